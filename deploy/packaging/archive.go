package packaging

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Options describe one archive.
type Options struct {
	// Root is the repository root, holding the shipped files.
	Root string
	// Binary is the built threatqbeat executable (threatqbeat.exe for
	// Windows).
	Binary string
	// Version, OS and Arch name the archive:
	// threatqbeat-<version>-<os>-<arch>.tar.gz.
	Version, OS, Arch string
	// OutDir receives the archive.
	OutDir string
	// ModTime is the time stamped on every entry (zero: now).
	ModTime time.Time
}

// File is one file of the archive: its path in the repository and its
// name and mode in the archive.
type File struct {
	Source string
	Name   string
	Mode   int64
}

// Files are the repository files every archive holds besides the binary.
var Files = []File{
	{"threatqbeat.yml", "threatqbeat.yml", 0o600},
	{"threatqbeat.reference.yml", "threatqbeat.reference.yml", 0o644},
	{"threatqbeat.spec.yml", "threatqbeat.spec.yml", 0o644},
	{"deploy/systemd/threatqbeat.service", "threatqbeat.service", 0o644},
	{"README.md", "README.md", 0o644},
	{"LICENSE", "LICENSE", 0o644},
	{"NOTICE", "NOTICE", 0o644},
}

// Trees are repository directories every archive and package holds whole:
// the Kibana saved objects go where `setup --dashboards` reads them by
// default, <path.home>/kibana; the documentation goes beside the README
// that links to it.
var Trees = []File{
	{"_meta/kibana", "kibana", 0o644},
	{"docs", "docs", 0o644},
}

// treeFiles lists the regular files below root/tree.Source as files of the
// archive under tree.Name, in lexical order. Go files are left out: they
// are the checks of the tree's files (the docs package's tests), not part
// of what is shipped.
func treeFiles(root string, tree File) ([]File, error) {
	var out []File
	base := filepath.Join(root, tree.Source)
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".go") {
			return err
		}
		rel, err := filepath.Rel(base, path)
		if err != nil {
			return err
		}
		out = append(out, File{Source: path, Name: tree.Name + "/" + filepath.ToSlash(rel), Mode: tree.Mode})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("package: list %s: %w", tree.Source, err)
	}
	return out, nil
}

// Name is the archive's base name without extension, also its top
// directory: threatqbeat-<version>-<os>-<arch>.
func (o Options) Name() string {
	return fmt.Sprintf("threatqbeat-%s-%s-%s", o.Version, o.OS, o.Arch)
}

// Archive writes OutDir/<Name>.tar.gz and returns its path.
func Archive(o Options) (string, error) {
	if o.Version == "" || o.OS == "" || o.Arch == "" {
		return "", errors.New("package: version, os and arch are required")
	}
	if o.ModTime.IsZero() {
		o.ModTime = time.Now()
	}
	binName := "threatqbeat"
	if o.OS == "windows" {
		binName += ".exe"
	}
	files := append([]File{{Source: o.Binary, Name: binName, Mode: 0o755}}, Files...)
	for i := range files[1:] {
		files[i+1].Source = filepath.Join(o.Root, files[i+1].Source)
	}
	for _, tree := range Trees {
		more, err := treeFiles(o.Root, tree)
		if err != nil {
			return "", err
		}
		files = append(files, more...)
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return "", fmt.Errorf("package: create %s: %w", o.OutDir, err)
	}
	path := filepath.Join(o.OutDir, o.Name()+".tar.gz")
	tmp := path + ".tmp"
	if err := write(tmp, o, files); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("package: %w", err)
	}
	return path, nil
}

func write(path string, o Options, files []File) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("package: create archive: %w", err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	var addDir func(name string) error
	addDir = func(name string) error {
		if dirs[name] {
			return nil
		}
		dirs[name] = true
		if parent := filepath.ToSlash(filepath.Dir(name)); parent != "." && parent != name {
			if err := addDir(parent); err != nil {
				return err
			}
		}
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: o.ModTime})
	}
	if err := addDir(o.Name()); err != nil {
		return fmt.Errorf("package: %w", err)
	}
	for _, file := range files {
		name := o.Name() + "/" + file.Name
		if d := filepath.ToSlash(filepath.Dir(name)); d != o.Name() {
			if err := addDir(d); err != nil {
				return fmt.Errorf("package: %w", err)
			}
		}
		if err := addFile(tw, file.Source, name, file.Mode, o.ModTime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("package: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("package: %w", err)
	}
	return f.Close()
}

func addFile(tw *tar.Writer, src, name string, mode int64, mtime time.Time) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("package: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("package: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: st.Size(), ModTime: mtime}); err != nil {
		return fmt.Errorf("package: add %s: %w", name, err)
	}
	if _, err := io.Copy(tw, in); err != nil {
		return fmt.Errorf("package: add %s: %w", name, err)
	}
	return nil
}

// Entry is one entry of an archive.
type Entry struct {
	Name string
	Mode int64
	Size int64
	Dir  bool
}

// Contents lists the entries of a tar.gz, sorted by name.
func Contents(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	var out []Entry
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		out = append(out, Entry{Name: h.Name, Mode: h.Mode, Size: h.Size, Dir: h.Typeflag == tar.TypeDir})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
