package build

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func forget() {
	mu.Lock()
	defer mu.Unlock()
	clear(memo)
}

// TestArchiveIsReproducibleAndCached: two builds into separate caches give
// byte-identical zips; a second call with the same cache, in this process
// or (memo cleared) a later one, returns the cached zip without building.
func TestArchiveIsReproducibleAndCached(t *testing.T) {
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	start := time.Now()
	first, err := Build(ctx, Options{CacheDir: a})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first build: %v", time.Since(start))
	start = time.Now()
	second, err := Build(ctx, Options{CacheDir: b})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second build (other cache): %v", time.Since(start))
	if first == second {
		t.Fatalf("both builds wrote %s", first)
	}
	if sum(t, first) != sum(t, second) {
		t.Fatalf("zips differ: %s and %s", first, second)
	}
	if filepath.Base(filepath.Dir(first)) != filepath.Base(filepath.Dir(second)) {
		t.Errorf("cache keys differ: %s, %s", first, second)
	}
	info, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"same process", "later process"} {
		if name == "later process" {
			forget()
		}
		start = time.Now()
		again, err := Build(ctx, Options{CacheDir: a})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s, cached: %v", name, time.Since(start))
		if again != first {
			t.Errorf("%s: %s, want the cached %s", name, again, first)
		}
		if now, err := os.Stat(again); err != nil || !now.ModTime().Equal(info.ModTime()) {
			t.Errorf("%s: the zip was written again", name)
		}
	}
}

// TestZipHoldsBootstrapForArm64: exactly one entry, bootstrap, executable,
// with a fixed time, an arm64 Linux ELF executable.
func TestZipHoldsBootstrapForArm64(t *testing.T) {
	path, err := Build(context.Background(), Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != ZipEntry {
		t.Fatalf("zip holds %d files, first %q; want only %s", len(zr.File), zr.File[0].Name, ZipEntry)
	}
	f := zr.File[0]
	if f.Mode() != 0o755 {
		t.Errorf("mode %v, want 0755", f.Mode())
	}
	if !f.Modified.Equal(modTime) {
		t.Errorf("modified %v, want %v", f.Modified, modTime)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF file: %v", err)
	}
	if exe.Machine != elf.EM_AARCH64 || exe.Class != elf.ELFCLASS64 || exe.Type != elf.ET_EXEC {
		t.Errorf("bootstrap is %v %v %v, want an AARCH64 64-bit executable", exe.Machine, exe.Class, exe.Type)
	}
	if exe.Section(".symtab") != nil {
		t.Error("bootstrap has a symbol table; -s was not applied")
	}
	if _, err := exe.DynamicSymbols(); err == nil {
		t.Error("bootstrap is dynamically linked; CGO_ENABLED=0 was not applied")
	}
}

func TestClearErrorsWithoutToolchainOrSources(t *testing.T) {
	t.Run("no toolchain", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := Build(context.Background(), Options{CacheDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "Go toolchain") {
			t.Errorf("err %v, want one naming the Go toolchain", err)
		}
	})
	t.Run("another module", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/other\n\ngo 1.26\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Build(context.Background(), Options{Dir: dir, CacheDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), Module) {
			t.Errorf("err %v, want one naming %s", err, Module)
		}
	})
}
