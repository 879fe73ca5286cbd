// macho-check: a second, independent reader of our macOS executable's ad-hoc signature, built on
// github.com/blacktop/go-macho (test/support/macho-verify.ts is the first). It parses the file with
// go-macho, then checks what macOS checks at exec: one LC_CODE_SIGNATURE ending at the file's end,
// a SHA-256 ad-hoc CodeDirectory whose page hashes match the bytes up to codeLimit, an empty
// requirement set bound in special slot 2, and (given BLOB) the NODE_SEA segment holding it.
// Usage: macho-check FILE [BLOB]. Prints "ok" and exits 0, or one "defect: ..." line per defect
// and exits 1 (2 when the file cannot be parsed at all).
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/blacktop/go-macho"
	"github.com/blacktop/go-macho/pkg/codesign/types"
	mtypes "github.com/blacktop/go-macho/types"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: macho-check FILE [BLOB]")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Println("defect:", err)
		os.Exit(2)
	}
	f, err := macho.NewFile(bytes.NewReader(data))
	if err != nil {
		fmt.Println("defect: go-macho cannot parse the file:", err)
		os.Exit(2)
	}
	var defects []string
	bad := func(format string, a ...any) { defects = append(defects, fmt.Sprintf(format, a...)) }

	if f.CPU != mtypes.CPUAmd64 && f.CPU != mtypes.CPUArm64 {
		bad("cpu %v is neither x86-64 nor arm64", f.CPU)
	}
	var sigs []*macho.CodeSignature
	for _, l := range f.Loads {
		if cs, ok := l.(*macho.CodeSignature); ok {
			sigs = append(sigs, cs)
		}
	}
	if len(sigs) != 1 {
		bad("%d LC_CODE_SIGNATURE load commands, want 1", len(sigs))
	}
	linkedit := f.Segment("__LINKEDIT")
	if linkedit == nil || linkedit.Offset+linkedit.Filesz != uint64(len(data)) {
		bad("__LINKEDIT does not end at the end of the file")
	}
	if len(sigs) >= 1 {
		cs := sigs[0]
		if uint64(cs.Offset)+uint64(cs.Size) != uint64(len(data)) {
			bad("the signature (offset %d, size %d) does not reach the end of the file (%d bytes)", cs.Offset, cs.Size, len(data))
		}
		if len(cs.CodeDirectories) != 1 {
			bad("%d CodeDirectories, want 1", len(cs.CodeDirectories))
		}
		for _, cd := range cs.CodeDirectories {
			h := cd.Header
			if h.HashType != types.HASHTYPE_SHA256 || h.HashSize != 32 {
				bad("hash type %v size %d, want SHA-256", h.HashType, h.HashSize)
			}
			if h.Flags&types.ADHOC == 0 {
				bad("flags %#x lack adhoc", uint32(h.Flags))
			}
			if h.PageSize != 12 {
				bad("page size 2^%d, want 4096", h.PageSize)
			}
			if uint64(h.CodeLimit) != uint64(cs.Offset) {
				bad("codeLimit %d is not the signature's offset %d", h.CodeLimit, cs.Offset)
			}
			if len(cs.CMSSignature) != 0 {
				bad("a CMS signature (%d bytes) in an ad-hoc signature", len(cs.CMSSignature))
			}
			limit := uint64(h.CodeLimit)
			want := (limit + 4095) / 4096
			if uint64(len(cd.CodeSlots)) != want {
				bad("%d code slots for codeLimit %d, want %d", len(cd.CodeSlots), limit, want)
			}
			mismatched := 0
			for i, slot := range cd.CodeSlots {
				start := uint64(i) * 4096
				end := min(start+4096, limit, uint64(len(data)))
				if start >= end {
					mismatched++
					continue
				}
				sum := sha256.Sum256(data[start:end])
				if !bytes.Equal(sum[:], slot.Hash) {
					if mismatched == 0 {
						bad("page %d (offset %#x) does not match its hash", i, start)
					}
					mismatched++
				}
			}
			if mismatched > 0 {
				bad("%d page(s) do not match their hashes", mismatched)
			}
			for _, s := range cd.SpecialSlots {
				switch {
				case s.Index == 2 && len(cs.Requirements) == 0 && !bytes.Equal(s.Hash, types.EmptySha256ReqSlot):
					bad("special slot 2 is not the hash of the empty requirement set")
				case s.Index != 2 && !bytes.Equal(s.Hash, make([]byte, len(s.Hash))):
					bad("special slot %d is bound to something this file does not have", s.Index)
				}
			}
		}
	}
	if len(os.Args) > 2 {
		blob, err := os.ReadFile(os.Args[2])
		if err != nil {
			bad("%v", err)
		} else if sec := f.Section("NODE_SEA", "__NODE_SEA_BLOB"); sec == nil {
			bad("no NODE_SEA,__NODE_SEA_BLOB section")
		} else if got, err := sec.Data(); err != nil || !bytes.Equal(got, blob) {
			bad("the NODE_SEA blob differs from %s", os.Args[2])
		}
	}
	if len(defects) > 0 {
		for _, d := range defects {
			fmt.Println("defect:", d)
		}
		os.Exit(1)
	}
	fmt.Println("ok")
}
