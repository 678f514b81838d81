package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/phusong/phusong"
)

// errorBody is the one JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"` // English, for logs and scripts
	MessageVI string            `json:"message_vi"`
	MessageEN string            `json:"message_en"`
	RequestID string            `json:"request_id,omitempty"`
	Details   []phusong.Problem `json:"details,omitempty"`
	Total     int               `json:"total_details,omitempty"` // when Details was capped
}

// maxDetails caps the problems an error response carries; the full list of
// a submission's problems is downloadable as CSV.
const maxDetails = 1000

// kinds maps error kinds to HTTP statuses, in one table (wtf http.go).
var kinds = []struct {
	kind   error
	status int
	code   string
	msg    phusong.Message
}{
	{phusong.ErrNotFound, fiber.StatusNotFound, "not_found", phusong.Message{VI: "Không tìm thấy.", EN: "Not found."}},
	{phusong.ErrUnauthorized, fiber.StatusUnauthorized, "unauthorized", phusong.Message{VI: "Hãy đăng nhập.", EN: "Log in first."}},
	{phusong.ErrForbidden, fiber.StatusForbidden, "forbidden", phusong.Message{VI: "Tài khoản của bạn không có quyền làm việc này.", EN: "Your account may not do this."}},
	{phusong.ErrConflict, fiber.StatusConflict, "conflict", phusong.Message{VI: "Xung đột với dữ liệu đã có.", EN: "Conflicts with existing data."}},
	{phusong.ErrGone, fiber.StatusGone, "gone", phusong.Message{VI: "Đã bị thu hồi.", EN: "Withdrawn."}},
	{phusong.ErrRateLimited, fiber.StatusTooManyRequests, "too_many_requests", phusong.Message{VI: "Quá nhiều yêu cầu; hãy thử lại sau.", EN: "Too many requests; try again later."}},
	{phusong.ErrUnavailable, fiber.StatusServiceUnavailable, "unavailable", msgUnavailable},
}

var msgUnavailable = phusong.Message{
	VI: "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Hãy thử lại sau ít phút.",
	EN: "The service cannot reach its database right now. Try again in a few minutes.",
}

var msgInternal = phusong.Message{
	VI: "Lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, gửi mã yêu cầu (request_id) cho bộ phận hỗ trợ.",
	EN: "Internal error. Try again; if it persists, send the request_id to support.",
}

// fiberCodes gives person-readable texts to the errors Fiber raises itself.
var fiberCodes = map[int]struct {
	code string
	msg  phusong.Message
}{
	fiber.StatusNotFound:              {"not_found", phusong.Message{VI: "Không có địa chỉ này.", EN: "No such route."}},
	fiber.StatusMethodNotAllowed:      {"method_not_allowed", phusong.Message{VI: "Phương thức HTTP không được hỗ trợ ở địa chỉ này.", EN: "This HTTP method is not allowed here."}},
	fiber.StatusRequestEntityTooLarge: {"body_too_large", phusong.Message{VI: "Dữ liệu gửi lên quá lớn so với giới hạn cho phép.", EN: "The request body is larger than the limit."}},
	fiber.StatusUnsupportedMediaType:  {"unsupported_media_type", phusong.Message{VI: "Kiểu nội dung không được hỗ trợ.", EN: "Unsupported content type."}},
	fiber.StatusBadRequest:            {"bad_request", phusong.Message{VI: "Yêu cầu không hợp lệ.", EN: "Bad request."}},
	fiber.StatusNotAcceptable:         {"not_acceptable", phusong.Message{VI: "Chỉ có dữ liệu dạng JSON ở địa chỉ này (Accept).", EN: "Only JSON is served here (Accept)."}},
	fiber.StatusRequestTimeout:        {"timeout", phusong.Message{VI: "Yêu cầu quá thời gian.", EN: "The request timed out."}},
	fiber.StatusRequestHeaderFieldsTooLarge: {"header_too_large", phusong.Message{
		VI: fmt.Sprintf("Địa chỉ (URL) và các tiêu đề của yêu cầu dài quá %d KB. Hãy rút ngắn địa chỉ (bớt tham số), hoặc gửi dữ liệu dài trong nội dung yêu cầu.", headerLimit>>10),
		EN: fmt.Sprintf("The URL and request headers are longer than %d KB. Shorten the URL (fewer parameters), or send long data in the request body.", headerLimit>>10)}},
}

// headerLimit bounds the request line and headers (Fiber's
// ReadBufferSize); longer requests get 431.
const headerLimit = 4096

// inputStatus gives the input errors that are not 422 their status.
var inputStatus = map[string]int{
	"malformed_json":         fiber.StatusBadRequest,
	"unknown_field":          fiber.StatusBadRequest,
	"bad_query":              fiber.StatusBadRequest,
	"nul_character":          fiber.StatusBadRequest,
	"unsupported_media_type": fiber.StatusUnsupportedMediaType,
	"body_too_large":         fiber.StatusRequestEntityTooLarge,
	"file_too_large":         fiber.StatusRequestEntityTooLarge,
	"too_many_rows":          fiber.StatusRequestEntityTooLarge,
	"range_not_satisfiable":  fiber.StatusRequestedRangeNotSatisfiable,
}

// statusOf returns the HTTP status, code and message for err.
func statusOf(err error) (int, string, phusong.Message, []phusong.Problem) {
	var in *phusong.InputError
	if errors.As(err, &in) {
		status, ok := inputStatus[in.Code]
		if !ok {
			status = fiber.StatusUnprocessableEntity
		}
		return status, in.Code, in.Message, in.Problems
	}
	if badText(err) {
		return fiber.StatusBadRequest, "invalid_character", msgInvalidCharacter, nil
	}
	if dbDown(err) {
		return fiber.StatusServiceUnavailable, "database_unavailable", msgUnavailable, nil
	}
	var ke *phusong.KindError
	for _, k := range kinds {
		if errors.Is(err, k.kind) {
			if errors.As(err, &ke) {
				return k.status, ke.Code, ke.Message, nil
			}
			return k.status, k.code, k.msg, nil
		}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fc, ok := fiberCodes[fe.Code]; ok {
			return fe.Code, fc.code, fc.msg, nil
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, "bad_request", phusong.Message{VI: "Yêu cầu không hợp lệ.", EN: fe.Message}, nil
		}
	}
	return fiber.StatusInternalServerError, "internal", msgInternal, nil
}

var msgInvalidCharacter = phusong.Message{
	VI: "Dữ liệu gửi lên có ký tự không lưu được (ví dụ ký tự NUL, \\u0000 hay %00). Hãy bỏ ký tự đó rồi gửi lại.",
	EN: "The request holds a character that cannot be stored (such as NUL, \\u0000 or %00). Remove it and send again.",
}

// badText reports whether PostgreSQL refused a text value of the request:
// 22021 character_not_in_repertoire (a NUL byte in text) or 22P05
// untranslatable_character (\u0000 in jsonb). The request is at fault, not
// the server; the middleware and decodeJSON refuse NUL before it gets this
// far, so this is the safety net for any path they miss.
func badText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}

// dbDown reports whether err means the database cannot be reached, so the
// request should fail fast with 503 rather than 500. The pool reconnects
// by itself when the server is back.
func dbDown(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions
		return pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || (len(pe.Code) == 5 && pe.Code[:2] == "08")
	}
	return pgconn.SafeToRetry(err)
}

// errorHandler renders every error in the one JSON shape. A 500 shows a
// generic message and the request id; the detail goes to the log only,
// so SQL, file paths and stack traces never reach the client.
//
// Fiber also calls it, with no middleware run, for requests its server
// refuses before routing: a body over BodyLimit (413), a request line and
// headers over ReadBufferSize (431). Those get their request id, request
// log line and count (refused) here.
func errorHandler(log *slog.Logger, refused *prometheus.CounterVec) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, code, msg, probs := statusOf(err)
		rid, _ := c.Locals(localRequestID).(string)
		if rid == "" {
			rid = utils.UUID()
			c.Set(fiber.HeaderXRequestID, rid)
			log.Info("request", "request_id", rid, "method", c.Method(), "route", "", "path", c.Path(),
				"status", status, "duration_ms", 0, "client", c.IP(), "error", err)
			if refused != nil {
				refused.WithLabelValues(strconv.Itoa(status)).Inc()
			}
		}
		switch {
		case status >= 500:
			log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "status", status, "error", err)
		case code == "invalid_character":
			// A 400, but one the input checks should have caught first.
			log.Warn("text refused by the database", "request_id", rid, "method", c.Method(), "path", c.Path(), "error", err)
		}
		body := errorBody{Error: errorDetail{Code: code, Message: msg.EN, MessageVI: msg.VI, MessageEN: msg.EN, RequestID: rid, Details: probs}}
		if len(probs) > maxDetails {
			body.Error.Details = probs[:maxDetails]
			body.Error.Total = len(probs)
		}
		if status == fiber.StatusTooManyRequests {
			c.Set(fiber.HeaderRetryAfter, "60")
		}
		return c.Status(status).JSON(body)
	}
}
