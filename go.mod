module github.com/f0fce437/callrec

go 1.26

require github.com/stretchr/testify v1.12.1 // indirect
