package threatqtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLineSize bounds one NDJSON line (one indicator).
const maxLineSize = 64 << 20

// LoadNDJSON reads one JSON value per line, the format of the pipeline test
// inputs in shared/peer/*.log. Blank lines are skipped and the last line
// needs no newline. Each value is returned as its own slice with the
// original spelling (outer space trimmed). A line that is not valid JSON is
// an error naming the line (wrapping *json.SyntaxError when that is the
// cause).
func LoadNDJSON(r io.Reader) ([]json.RawMessage, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []json.RawMessage
	for line := 1; ; line++ {
		b, err := readLine(br)
		if len(bytes.TrimSpace(b)) > 0 {
			raw := bytes.TrimSpace(b)
			if !json.Valid(raw) {
				var v any
				synErr := json.Unmarshal(raw, &v)
				if synErr == nil {
					synErr = errInvalidJSON
				}
				return nil, fmt.Errorf("threatqtest: NDJSON line %d: %w", line, synErr)
			}
			out = append(out, json.RawMessage(raw))
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("threatqtest: NDJSON line %d: %w", line, err)
		}
	}
}

// readLine returns the next line without its newline, as a new slice.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > maxLineSize {
			return nil, fmt.Errorf("line longer than %d bytes", maxLineSize)
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}
