// Swagger UI over the service's own OpenAPI document; no external URLs
// (the page must work without internet), so no validator badge.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  withCredentials: true,
});
