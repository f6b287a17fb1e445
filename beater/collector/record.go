package collector

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/threatqbeat/threatqbeat/module/threatq/threat"
)

// record is a collection's activeSet and its file next to the cursor file,
// active-<collection>.rec: the indicators the collection has active in the
// alias, as the output acknowledged them. A sweep retires those of them
// that left the collection, and a curation option those it now drops.
//
// The file is a header line, then frames: a snapshot of the set, then a
// journal of the changes since, one frame per flush. A frame is its
// payload's length (4 bytes, little endian), the payload (a kind byte, S
// for the snapshot's frames and J for the journal's, then changes, see
// appendPut) and its CRC-32C (4 bytes). flush appends a frame and syncs
// it; once the journal outweighs the snapshot (and 1 MiB), it writes a new
// snapshot to a temporary file, syncs it and renames it over the file, as
// cursor files are written. A crash while appending leaves a last frame
// cut short: loading drops it (its changes were never followed by a stored
// cursor, see Runner's commit). Any other fault (a bad CRC, an unknown
// change, another collection's header) makes the file damaged.
type record struct {
	path, dir, collection string
	set                   *activeSet
	pending               []byte // changes not yet in the file
	onDisk                bool   // the file exists, valid up to size
	size                  int64  // valid bytes of the file
	snap                  int64  // bytes up to the end of the snapshot
	torn                  bool   // bytes after size are to be cut first
	// sweptAt is when the last sweep of the collection completed, its
	// tombstones acknowledged; zero when none did (or is recorded).
	sweptAt time.Time
}

// errDamagedRecord reports a record file that cannot be read.
var errDamagedRecord = errors.New("damaged record of active indicators")

// Record file format.
const (
	recordVersion = 1
	// maxFrame bounds a frame's payload; a longer one is damage.
	maxFrame = 64 << 20
	// snapshotFrame is the payload size a snapshot is cut at.
	snapshotFrame = 1 << 20
	// minJournal is the journal size below which no snapshot is written.
	minJournal = 1 << 20
	// maxPending is the size of unwritten changes that a flush writes as
	// a new snapshot rather than a journal frame.
	maxPending = 16 << 20
)

// Frame kinds: the first byte of a payload.
const (
	frameSnapshot = 'S'
	frameJournal  = 'J'
)

// Changes in a frame's payload.
const (
	opPutID  = 'I' // varint id
	opPutKey = 'N' // uvarint length, indicator_key
	opDelID  = 'D' // varint id
	opDelKey = 'E' // uvarint length, indicator_key
	opSwept  = 'T' // varint Unix ms: the time a sweep completed
	// Puts that carry the indicator's value, as records kept it before
	// they dropped values: loading reads them and skips the value.
	opPutIDValue  = 'A' // varint id, uvarint length, value
	opPutKeyValue = 'K' // uvarint length, indicator_key, uvarint length, value
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// recordPath is the record file of a collection.
func (s *CursorStore) recordPath(collection string) string {
	return filepath.Join(s.dir, "active-"+collection+".rec")
}

func recordHeader(collection string) string {
	return fmt.Sprintf("threatqbeat record of active indicators, version %d, collection %s\n", recordVersion, collection)
}

// openRecord loads the record of a collection. found is false when there is
// no file. A damaged file is an error wrapping errDamagedRecord and naming
// the file; the record returned is then empty.
func (s *CursorStore) openRecord(collection string) (rec *record, found bool, err error) {
	rec = &record{path: s.recordPath(collection), dir: s.dir, collection: collection, set: newActiveSet()}
	f, err := os.Open(rec.path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, false, nil
	}
	if err != nil {
		return rec, true, fmt.Errorf("read record of active indicators of collection %s: %w", collection, err)
	}
	defer f.Close()
	if err := rec.load(bufio.NewReaderSize(f, 64<<10)); err != nil {
		rec.set = newActiveSet()
		return rec, true, fmt.Errorf("%w %s: %v", errDamagedRecord, rec.path, err)
	}
	rec.onDisk = true
	return rec, true, nil
}

// load reads the header and every whole frame.
func (r *record) load(br *bufio.Reader) error {
	header := recordHeader(r.collection)
	line, err := br.ReadString('\n')
	if err != nil || line != header {
		return errors.New("the header is not that of this collection's record")
	}
	r.size = int64(len(header))
	var head [4]byte
	r.snap = r.size
	var payload []byte
	for {
		n, err := io.ReadFull(br, head[:])
		if err == io.EOF {
			return nil
		}
		if err != nil { // a length cut short: a torn last frame
			r.torn = n > 0
			return nil
		}
		size := binary.LittleEndian.Uint32(head[:])
		if size > maxFrame {
			return fmt.Errorf("a frame at byte %d claims %d bytes", r.size, size)
		}
		payload = append(payload[:0], make([]byte, size+4)...)
		if _, err := io.ReadFull(br, payload); err != nil {
			r.torn = true
			return nil
		}
		body, sum := payload[:size], binary.LittleEndian.Uint32(payload[size:])
		if crc32.Checksum(body, crcTable) != sum {
			return fmt.Errorf("the frame at byte %d fails its checksum", r.size)
		}
		if len(body) == 0 || (body[0] != frameSnapshot && body[0] != frameJournal) {
			return fmt.Errorf("the frame at byte %d is of no known kind", r.size)
		}
		if err := r.apply(body[1:]); err != nil {
			return fmt.Errorf("the frame at byte %d: %w", r.size, err)
		}
		r.size += int64(size) + 8
		if body[0] == frameSnapshot {
			r.snap = r.size
		}
	}
}

// apply applies the changes of one payload to the set.
func (r *record) apply(b []byte) error {
	bad := errors.New("a change cannot be read")
	for len(b) > 0 {
		op := b[0]
		b = b[1:]
		var k threat.Key
		switch op {
		case opSwept:
			ms, n := binary.Varint(b)
			if n <= 0 {
				return bad
			}
			r.sweptAt, b = time.UnixMilli(ms).UTC(), b[n:]
			continue
		case opPutID, opDelID, opPutIDValue:
			id, n := binary.Varint(b)
			if n <= 0 {
				return bad
			}
			k.ID, b = id, b[n:]
		case opPutKey, opDelKey, opPutKeyValue:
			s, rest, ok := readBytes(b)
			if !ok || len(s) == 0 {
				return bad
			}
			k.IndicatorKey, b = string(s), rest
		default:
			return fmt.Errorf("unknown change %q", op)
		}
		switch op {
		case opDelID, opDelKey:
			r.set.del(k)
			continue
		case opPutIDValue, opPutKeyValue:
			_, rest, ok := readBytes(b)
			if !ok {
				return bad
			}
			b = rest
		}
		r.set.put(k)
	}
	return nil
}

func readBytes(b []byte) (s, rest []byte, ok bool) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, nil, false
	}
	return b[n : n+int(l)], b[n+int(l):], true
}

func appendKey(b []byte, idOp, keyOp byte, k threat.Key) []byte {
	if k.IndicatorKey != "" {
		b = append(b, keyOp)
		b = binary.AppendUvarint(b, uint64(len(k.IndicatorKey)))
		return append(b, k.IndicatorKey...)
	}
	return binary.AppendVarint(append(b, idOp), k.ID)
}

func appendPut(b []byte, k threat.Key) []byte {
	return appendKey(b, opPutID, opPutKey, k)
}
