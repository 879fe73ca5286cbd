module kubectl-skupper/macho-check

go 1.22

require github.com/blacktop/go-macho v1.1.297

require github.com/blacktop/go-dwarf v1.1.0 // indirect
