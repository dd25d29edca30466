package otm

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaJSON is the OTM 0.1/0.2 JSON Schema, as StartLeft publishes it.
//
//go:embed otm_schema.json
var schemaJSON []byte

const schemaURL = "https://iriusrisk.com/schema/otm-0.2.0.schema.json"

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// Validate checks a JSON OTM document against the OTM schema.
func Validate(doc []byte) error {
	schemaOnce.Do(func() {
		s, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			schemaErr = fmt.Errorf("the OTM schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(schemaURL, s); err != nil {
			schemaErr = fmt.Errorf("the OTM schema: %w", err)
			return
		}
		schema, schemaErr = c.Compile(schemaURL)
	})
	if schemaErr != nil {
		return schemaErr
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return schema.Validate(v)
}
