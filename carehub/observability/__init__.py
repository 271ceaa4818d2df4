"""Operating carehub: request ids, the JSON request log, health and readiness, metrics, error pages and the
error tracker (docs/operations.md). Nothing here reads or writes personal data: logs, health answers, metrics
and error reports carry route names, counts and ids, never a path, a query string, a body or a name."""
