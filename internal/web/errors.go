package web

import (
	"errors"
	"fmt"
	"net/http"

	"loa/internal/control"
	"loa/internal/inputerr"
	"loa/internal/station"
	"loa/internal/users"
)

// httpStatus maps a service-layer error to its HTTP status.
func httpStatus(err error) int {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, station.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, users.ErrBadCredentials):
		return http.StatusUnauthorized
	case station.IsNotFound(err):
		return http.StatusNotFound
	case errors.Is(err, station.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, control.ErrNoDaemon):
		return http.StatusServiceUnavailable
	case inputerr.Is(err):
		if _, code := inputerr.FieldOf(err); code == "too_large" {
			return http.StatusRequestEntityTooLarge
		}
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// fieldLabel names a field of a form or API body in Vietnamese.
func fieldLabel(field string) string {
	switch field {
	case "title":
		return "Tiêu đề"
	case "topic":
		return "Chủ đề"
	case "area":
		return "Lĩnh vực"
	case "audience":
		return "Đối tượng"
	case "audio":
		return "Tệp âm thanh"
	case "text":
		return "Nội dung"
	case "priority":
		return "Mức ưu tiên"
	case "from":
		return "Từ ngày"
	case "until", "to":
		return "Đến ngày"
	case "max_plays":
		return "Số lần phát tối đa"
	case "username":
		return "Tên đăng nhập"
	case "password":
		return "Mật khẩu"
	case "current":
		return "Mật khẩu hiện tại"
	case "role":
		return "Vai trò"
	case "period":
		return "Kỳ báo cáo"
	case "format":
		return "Định dạng"
	case "limit", "offset":
		return "Phân trang"
	case "note":
		return "Ghi chú"
	case "sha256":
		return "Mã SHA-256"
	case "count":
		return "Số lượt"
	case "repeat":
		return "Số lần phát"
	case "interval":
		return "Khoảng cách"
	case "script":
		return "Bài"
	case "status":
		return "Trạng thái bài"
	case "author":
		return "Tác giả"
	}
	return ""
}

// codePhrase says in Vietnamese what is wrong with a field.
func codePhrase(code string) string {
	switch code {
	case "required":
		return "bắt buộc phải có"
	case "invalid":
		return "không hợp lệ"
	case "too_short":
		return "quá ngắn"
	case "too_long":
		return "quá dài"
	case "exists":
		return "đã có"
	case "too_large":
		return "quá lớn"
	case "type":
		return "sai loại tệp (cần MP3 hoặc WAV)"
	case "silent":
		return "gần như chỉ có im lặng (không có tiếng, hoặc tiếng quá nhỏ): hãy ghi âm lại"
	case "not_audio":
		return "không phải tệp âm thanh (loa nhận MP3, WAV, FLAC, OGG)"
	case "corrupt":
		return "tệp bị hỏng hoặc không trọn vẹn: hãy gửi lại tệp gốc"
	case "empty":
		return "tệp rỗng, không có âm thanh"
	case "missing":
		return "không tồn tại"
	case "before_from":
		return "phải sau ngày bắt đầu"
	case "retired":
		return "bài đã ngừng sử dụng, không sửa được nữa"
	case "not_submitted":
		return "chỉ bài đang chờ duyệt mới duyệt được"
	case "no_audio":
		return "bài chưa có bản ghi âm"
	case "transition":
		return "không chuyển được sang trạng thái này"
	case "changed":
		return "bài vừa bị người khác thay đổi; hãy tải lại trang"
	case "one_line":
		return "chỉ được một dòng chữ"
	case "not_approved":
		return "bài chưa được duyệt"
	case "wrong":
		return "không đúng"
	case "last_admin":
		return "đây là quản trị viên cuối cùng còn hoạt động; hãy thêm một quản trị viên khác trước"
	}
	return ""
}

// message is the Vietnamese sentence an officer reads for err, and the
// field it concerns ("" when none).
func (s *Server) message(err error) (msg, field string) {
	field, code := inputerr.FieldOf(err)
	switch httpStatus(err) {
	case http.StatusRequestEntityTooLarge:
		return fmt.Sprintf("Tệp quá lớn: tối đa %d MB.", s.st.Config.Web.MaxUploadMB), "audio"
	case http.StatusForbidden:
		return "Vai trò của bạn không được làm việc này.", field
	case http.StatusUnauthorized:
		return "Cần đăng nhập (hoặc mã truy cập API không đúng).", field
	case http.StatusNotFound:
		return "Không tìm thấy.", field
	case http.StatusServiceUnavailable:
		return "loa daemon không chạy trên máy này: không phát được thông báo. Hãy khởi động dịch vụ loa.", ""
	case http.StatusConflict:
		return "Bản ghi âm đã thay đổi kể từ lúc bạn nghe: hãy nghe lại bản mới trước khi duyệt.", "sha256"
	case http.StatusBadRequest:
		if label, phrase := fieldLabel(field), codePhrase(code); label != "" && phrase != "" {
			return label + ": " + phrase + ".", field
		}
		// The queue's checks do not all carry a code yet: show its own
		// words after a Vietnamese lead.
		return "Dữ liệu không hợp lệ: " + err.Error(), field
	}
	return "Lỗi máy chủ; xin xem nhật ký của loa serve.", ""
}
