module github.com/f0fce437/callrec

go 1.26
