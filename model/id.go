package model

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a fresh element, diagram or asset ID: 12 random hex digits,
// short enough to read in a file and wide enough never to collide in a model.
func NewID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
