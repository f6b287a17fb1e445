package collector

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// cursorFileVersion is the format version of cursor files.
const cursorFileVersion = 1

// CursorStore keeps one cursor file per collection in a directory under
// path.data. Files are written atomically (temp file, fsync, rename) with
// mode 0600.
type CursorStore struct {
	dir string
	now func() time.Time
}

// cursorFile is the on-disk form of a collection cursor.
type cursorFile struct {
	Version    int    `json:"version"`
	Collection string `json:"collection"`
	Cursor     string `json:"cursor"`
	// CursorBase64 holds the cursor's bytes when they are not valid UTF-8,
	// which a JSON string cannot carry: Cursor then shows them with
	// U+FFFD, and Load uses these.
	CursorBase64 string    `json:"cursor_base64,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ErrCorruptCursor reports a cursor file that cannot be read. The recovery
// is to delete the file named in the error: the next run then syncs the
// collection from the start, which is safe because document ids are
// deterministic.
var ErrCorruptCursor = errors.New("corrupt cursor file")

// tempPattern names the temporary files of writeFileAtomic.
const tempPattern = ".cursor-*.tmp"

// NewCursorStore returns a store in dir, creating it (mode 0700) if needed.
// Temporary files a crash left behind (between writing and renaming) are
// removed: the cursor files themselves are whole, old or new.
func NewCursorStore(dir string, now func() time.Time) (*CursorStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cursor directory: %w", err)
	}
	left, err := filepath.Glob(filepath.Join(dir, tempPattern))
	if err != nil {
		return nil, fmt.Errorf("list leftover cursor files: %w", err)
	}
	for _, f := range left {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("remove leftover cursor file: %w", err)
		}
	}
	return &CursorStore{dir: dir, now: now}, nil
}

// Path is the cursor file of a collection.
func (s *CursorStore) Path(collection string) string {
	return filepath.Join(s.dir, "cursor-"+collection+".json")
}

// Load returns the stored cursor of a collection, "" when there is none.
func (s *CursorStore) Load(collection string) (string, error) {
	path := s.Path(collection)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read cursor of collection %s: %w", collection, err)
	}
	var f cursorFile
	corrupt := fmt.Errorf("%w %s: delete it to sync collection %s again from the start", ErrCorruptCursor, path, collection)
	if err := json.Unmarshal(b, &f); err != nil || f.Version != cursorFileVersion || f.Collection != collection || f.Cursor == "" {
		return "", corrupt
	}
	if f.CursorBase64 != "" {
		raw, err := base64.StdEncoding.DecodeString(f.CursorBase64)
		if err != nil || len(raw) == 0 {
			return "", corrupt
		}
		return string(raw), nil
	}
	return f.Cursor, nil
}

// Save stores the cursor of a collection atomically.
func (s *CursorStore) Save(collection, cursor string) error {
	f := cursorFile{Version: cursorFileVersion, Collection: collection, Cursor: cursor, UpdatedAt: s.now().UTC()}
	if !utf8.ValidString(cursor) {
		f.Cursor = strings.ToValidUTF8(cursor, "\uFFFD")
		f.CursorBase64 = base64.StdEncoding.EncodeToString([]byte(cursor))
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode cursor of collection %s: %w", collection, err)
	}
	if err := writeFileAtomic(s.dir, s.Path(collection), b); err != nil {
		return fmt.Errorf("save cursor of collection %s: %w", collection, err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file in dir with mode 0600,
// syncs it and renames it to path, so a crash leaves the old or the new
// content, never a torn file.
func writeFileAtomic(dir, path string, data []byte) error {
	return writeFileAtomicFunc(dir, path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomicFunc is writeFileAtomic with the content written by fn,
// buffered.
func writeFileAtomicFunc(dir, path string, fn func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err = fn(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
