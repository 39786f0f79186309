// Package build compiles the provisioning function
// (internal/provisioner/lambda) into the zip that the Lambda function's code
// archive points at: one file, bootstrap, an arm64 Linux executable for the
// provided.al2023 runtime.
//
// The build is reproducible: CGO_ENABLED=0, -trimpath, -buildvcs=false and
// an empty build id make the binary depend only on the sources, go.mod,
// go.sum and the Go version, and the zip has a fixed modification time and
// mode, so the same inputs give byte-identical zips (the same code hash, no
// spurious diff of the function). The zip is cached under a directory named
// by a hash of those inputs: a second call, in this process or a later one,
// does not build again.
//
// The build needs the Go toolchain and the module's sources, which a
// Pulumi Go program run from the repository has (`go run .`).
package build

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Module is the module whose provisioner is built.
const Module = "github.com/amplify-tenancy/tenancy"

// Package is the function's main package.
const Package = Module + "/internal/provisioner/lambda"

// CacheEnv names a directory that overrides the default cache directory
// (the user cache directory's tenancy/provisioner).
const CacheEnv = "TENANCY_PROVISIONER_CACHE"

// Target platform and flags of the function. format is part of the cache
// key: change it whenever the zip's layout or the flags change.
const (
	goos   = "linux"
	goarch = "arm64"
	format = "tenancy-provisioner-zip/1"
	// ZipEntry is the one file in the zip, the name provided.al2023 runs.
	ZipEntry = "bootstrap"
)

var ldflags = "-s -w -buildid="

// modTime is the fixed modification time of bootstrap in the zip.
var modTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Options tell Build where the module and the cache are; the zero value
// uses the working directory and the default cache.
type Options struct {
	// Dir is a directory inside the module (or of a module that requires
	// it); default: the working directory.
	Dir string
	// CacheDir holds the zips, one subdirectory per input hash; default:
	// $TENANCY_PROVISIONER_CACHE, else <user cache dir>/tenancy/provisioner.
	CacheDir string
}

// Archive builds (or finds in the cache) the function's zip for the module
// around the working directory and returns its path, for
// pulumi.NewFileArchive.
func Archive(ctx context.Context) (string, error) { return Build(ctx, Options{}) }

// memo holds the zips this process has built or found, by module directory
// and cache directory; mu also makes concurrent calls wait for one build.
var (
	mu   sync.Mutex
	memo = map[[2]string]string{}
)

// Build is Archive with options.
func Build(ctx context.Context, o Options) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("provisioner build: the Go toolchain is needed to build the function and was not found on PATH: %w", err)
	}
	if o.Dir == "" {
		if o.Dir, err = os.Getwd(); err != nil {
			return "", fmt.Errorf("provisioner build: %w", err)
		}
	}
	if o.CacheDir == "" {
		if o.CacheDir, err = defaultCacheDir(); err != nil {
			return "", err
		}
	}
	mu.Lock()
	defer mu.Unlock()
	root, err := moduleRoot(ctx, goBin, o.Dir)
	if err != nil {
		return "", err
	}
	memoKey := [2]string{root, o.CacheDir}
	if p, ok := memo[memoKey]; ok {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	key, err := inputHash(ctx, goBin, root)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(o.CacheDir, key)
	zipPath := filepath.Join(dir, "provisioner.zip")
	if _, err := os.Stat(zipPath); err != nil {
		if err := build(ctx, goBin, root, dir, zipPath); err != nil {
			return "", err
		}
	}
	memo[memoKey] = zipPath
	return zipPath, nil
}

func defaultCacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("provisioner build: no cache directory (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "tenancy", "provisioner"), nil
}

// goCmd runs the go command in dir for the function's platform, with a
// fixed environment for what changes the output: GOFLAGS of the caller
// (-mod=vendor, say) and GOEXPERIMENT do not apply.
func goCmd(ctx context.Context, goBin, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOARM64=v8.0",
		"GOFLAGS=-mod=readonly", "GOEXPERIMENT=", "GOWORK=off")
	return cmd
}

func output(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("provisioner build: %s: %v: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// moduleRoot is the directory of Module as seen from dir: the main module
// when dir is inside the repository, or the required (usually replaced)
// module otherwise.
func moduleRoot(ctx context.Context, goBin, dir string) (string, error) {
	out, err := output(goCmd(ctx, goBin, dir, "list", "-m", "-f", "{{.Dir}}", Module))
	if err != nil {
		return "", fmt.Errorf("%w (run it inside the %s module, whose sources it builds)", err, Module)
	}
	root := strings.TrimSpace(string(out))
	main := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(Package, Module+"/")), "main.go")
	if _, err := os.Stat(main); err != nil {
		return "", fmt.Errorf("provisioner build: the function's sources are missing: %w", err)
	}
	return root, nil
}

// listed is what inputHash reads of `go list -deps -json`.
type listed struct {
	ImportPath, Dir                               string
	Standard                                      bool
	GoFiles, CgoFiles, EmbedFiles, SFiles, HFiles []string
	Module                                        *struct {
		Path, Version, Dir string
		Replace            *struct{ Path, Version, Dir string }
	}
}

// inputHash hashes what decides the zip: the format and flags, the Go
// version (of the toolchain that builds and of this program, which writes
// the zip), go.mod and go.sum, and the files of every package the function
// imports from the module or from a local replacement (versioned
// dependencies are pinned by go.sum).
func inputHash(ctx context.Context, goBin, root string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s/%s\n%s\n%s\n", format, goos, goarch, ldflags, runtime.Version())
	ver, err := output(goCmd(ctx, goBin, root, "env", "GOVERSION"))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "toolchain %s", ver)
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := hashFile(h, root, f); err != nil {
			return "", err
		}
	}
	out, err := output(goCmd(ctx, goBin, root, "list", "-deps", "-json=ImportPath,Dir,Standard,GoFiles,CgoFiles,EmbedFiles,SFiles,HFiles,Module", Package))
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", fmt.Errorf("provisioner build: go list: %w", err)
		}
		if p.Standard {
			continue
		}
		fmt.Fprintf(h, "package %s\n", p.ImportPath)
		if p.Module != nil && p.Module.Version != "" && (p.Module.Replace == nil || p.Module.Replace.Version != "") {
			continue // a versioned module: go.sum pins its contents
		}
		files := slices.Concat(p.GoFiles, p.CgoFiles, p.EmbedFiles, p.SFiles, p.HFiles)
		slices.Sort(files)
		for _, f := range files {
			if err := hashFile(h, p.Dir, f); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

func hashFile(h io.Writer, dir, name string) error {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("provisioner build: %w", err)
	}
	fmt.Fprintf(h, "file %s %d\n", filepath.ToSlash(name), len(b))
	_, err = h.Write(b)
	return err
}

// build compiles the function into a temporary directory next to the
// cache entry and renames the zip into place, so a concurrent process sees
// either no zip or a whole one.
func build(ctx context.Context, goBin, root, dir, zipPath string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("provisioner build: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return fmt.Errorf("provisioner build: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, ZipEntry)
	if _, err := output(goCmd(ctx, goBin, root, "build", "-trimpath", "-buildvcs=false",
		"-ldflags="+ldflags, "-o", bin, Package)); err != nil {
		return err
	}
	tmpZip := filepath.Join(tmp, "provisioner.zip")
	if err := writeZip(tmpZip, bin); err != nil {
		return err
	}
	if err := os.Rename(tmpZip, zipPath); err != nil {
		return fmt.Errorf("provisioner build: %w", err)
	}
	return nil
}

// writeZip writes a zip holding bin as ZipEntry, mode 0755, modified at
// modTime, deflated.
func writeZip(path, bin string) error {
	data, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("provisioner build: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: ZipEntry, Method: zip.Deflate, Modified: modTime}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		return fmt.Errorf("provisioner build: zip: %w", err)
	}
	return nil
}
