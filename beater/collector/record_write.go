package collector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// Changing a record and writing it: journal frames appended and synced,
// snapshots written as cursor files are (see record).

// put records k as active; a k recorded already changes nothing in the
// file.
func (r *record) put(k threat.Key) {
	if r.set.put(k) {
		r.pending = appendPut(r.pending, k)
	}
}

// del forgets k.
func (r *record) del(k threat.Key) {
	if r.set.del(k) {
		r.pending = appendKey(r.pending, opDelID, opDelKey, k)
	}
}

// setSwept records that a sweep completed at t.
func (r *record) setSwept(t time.Time) {
	r.sweptAt = time.UnixMilli(t.UnixMilli()).UTC()
	r.pending = binary.AppendVarint(append(r.pending, opSwept), t.UnixMilli())
}

// flush writes the pending changes: a journal frame, or a new snapshot when
// there is no file yet, the journal outweighs the snapshot or the changes
// are many. After it returned nil, the file holds the set.
func (r *record) flush() error {
	if r.onDisk && len(r.pending) == 0 {
		return nil
	}
	journal := r.size - r.snap + int64(len(r.pending))
	if !r.onDisk || len(r.pending) > maxPending || journal > max(r.snap, minJournal) {
		return r.snapshot()
	}
	frame := appendFrame(make([]byte, 0, len(r.pending)+8), frameJournal, r.pending)
	if err := r.appendFrame(frame); err != nil {
		r.torn = true
		return fmt.Errorf("save record of active indicators of collection %s: %w", r.collection, err)
	}
	r.size += int64(len(frame))
	r.pending = r.pending[:0]
	return nil
}

// appendFrame appends a frame of the given kind holding changes.
func appendFrame(b []byte, kind byte, changes []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(changes)+1))
	start := len(b)
	b = append(b, kind)
	b = append(b, changes...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], crcTable))
}

func (r *record) appendFrame(frame []byte) error {
	f, err := os.OpenFile(r.path, os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if r.torn {
		if err := f.Truncate(r.size); err != nil {
			return err
		}
		r.torn = false
	}
	if _, err := f.WriteAt(frame, r.size); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// snapshot replaces the file with the header and the whole set.
func (r *record) snapshot() error {
	var size int64
	err := writeFileAtomicFunc(r.dir, r.path, func(w io.Writer) error {
		header := recordHeader(r.collection)
		if _, err := io.WriteString(w, header); err != nil {
			return err
		}
		size = int64(len(header))
		var payload, frame []byte
		var werr error
		if !r.sweptAt.IsZero() {
			payload = binary.AppendVarint(append(payload, opSwept), r.sweptAt.UnixMilli())
		}
		emit := func() {
			if werr != nil || len(payload) == 0 {
				return
			}
			frame = appendFrame(frame[:0], frameSnapshot, payload)
			_, werr = w.Write(frame)
			size += int64(len(frame))
			payload = payload[:0]
		}
		r.set.each(func(k threat.Key) {
			payload = appendPut(payload, k)
			if len(payload) >= snapshotFrame {
				emit()
			}
		})
		emit()
		return werr
	})
	if err != nil {
		return fmt.Errorf("save record of active indicators of collection %s: %w", r.collection, err)
	}
	r.onDisk, r.torn, r.size, r.snap = true, false, size, size
	r.pending = r.pending[:0]
	return nil
}

// setAside renames a damaged record file to <name>.damaged, replacing an
// earlier one, so that the next flush writes a new file and the damaged
// one can be looked at.
func (r *record) setAside() (string, error) {
	to := r.path + ".damaged"
	if err := os.Rename(r.path, to); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	r.onDisk, r.torn, r.size, r.snap = false, false, 0, 0
	return to, nil
}
