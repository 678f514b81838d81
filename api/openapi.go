package api

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"
)

// openAPIYAML is the hand-written OpenAPI 3.0.3 document of the REST API.
// A test checks that it is valid and lists exactly the routes of the table.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIYAML returns the embedded OpenAPI document as written.
func OpenAPIYAML() []byte { return openAPIYAML }

var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml to JSON: %w", err)
	}
	return b, nil
})

// openAPI serves the document as JSON, converted once.
func (h *handler) openAPI(c *fiber.Ctx) error {
	b, err := openAPIJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Send(b)
}

// docsFS is the API docs page: Swagger UI (npm swagger-ui-dist, copied into
// api/docs) over /api/openapi.json, embedded so it works offline.
//
//go:embed docs/index.html docs/init.js docs/swagger-ui-bundle.js docs/swagger-ui.css
var docsFS embed.FS

var docTypes = map[string]string{
	"index.html": fiber.MIMETextHTMLCharsetUTF8, "init.js": "text/javascript; charset=utf-8",
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8",
}

// apiDocs serves the docs page (/api/docs) and its assets (/api/docs/:file).
func (h *handler) apiDocs(c *fiber.Ctx) error {
	name := c.Params("file", "index.html")
	ct, ok := docTypes[name]
	if !ok {
		return fiber.ErrNotFound
	}
	b, err := docsFS.ReadFile("docs/" + name)
	if err != nil {
		return fmt.Errorf("api docs %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, ct)
	if name != "index.html" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	}
	return c.Send(b)
}
