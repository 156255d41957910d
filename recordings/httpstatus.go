package recordings

// HTTPStatus returns the HTTP status that answers an error of code c: the
// one code→status table of the App, used by every HTTP adapter (the REST
// API, WebDAV). A code it does not know, Internal included, answers 500.
//
// The statuses are written as numbers (RFC 9110, RFC 4918 for 507) so that
// the domain does not import net/http.
func (c Code) HTTPStatus() int {
	switch c {
	case Invalid:
		return 400 // Bad Request
	case Unauthorized:
		return 401 // Unauthorized
	case Forbidden, Unlicensed:
		return 403 // Forbidden
	case NotFound:
		return 404 // Not Found
	case Conflict, Protected:
		return 409 // Conflict
	case TooLarge:
		return 413 // Content Too Large
	case InsufficientStorage:
		return 507 // Insufficient Storage
	}
	return 500 // Internal Server Error
}
