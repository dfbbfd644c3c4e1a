// Package taxonomy holds the stable codes of the commune's administrative
// reform propaganda plan: topics (plan items II.1 a–g), reform areas (the six
// contents of item b), audiences (II.2) and broadcast priorities. Codes are
// part of loa's interface; labels are what users see.
package taxonomy

// Entry is one code with its Vietnamese label and, for topics, the plan item.
type Entry struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Item  string `json:"item,omitempty"`
}

// Topics returns the plan's content items in plan order.
func Topics() []Entry {
	return []Entry{
		{"chu-truong", "Quan điểm, chủ trương của Đảng, chính sách pháp luật của Nhà nước về CCHC", "a"},
		{"ke-hoach", "Nội dung Kế hoạch CCHC năm của xã", "b"},
		{"ket-qua", "Kết quả, tồn tại, hạn chế; biểu dương, phê phán", "c"},
		{"mo-hinh", "Mô hình, cơ chế, điển hình tốt về CCHC", "d"},
		{"quyen-nghia-vu", "Quan hệ Nhà nước – nhân dân; quyền, nghĩa vụ, giám sát CCHC", "đ"},
		{"dan-chu-ntm", "Quy chế dân chủ ở xã; Nông thôn mới; Sáng – Xanh – Sạch – Đẹp", "e"},
		{"mot-cua-dvc", "Một cửa điện tử liên thông; dịch vụ công trực tuyến mức độ 2, 3, 4", "g"},
	}
}

// Areas returns the six reform areas.
func Areas() []Entry {
	return []Entry{
		{Code: "the-che", Label: "Cải cách thể chế"},
		{Code: "thu-tuc", Label: "Cải cách thủ tục hành chính"},
		{Code: "bo-may", Label: "Cải cách tổ chức bộ máy hành chính nhà nước"},
		{Code: "can-bo", Label: "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức"},
		{Code: "tai-chinh", Label: "Cải cách tài chính công"},
		{Code: "hien-dai-hoa", Label: "Hiện đại hóa hành chính nhà nước"},
	}
}

// Audiences returns the plan's audiences.
func Audiences() []Entry {
	return []Entry{
		{Code: "lanh-dao", Label: "Lãnh đạo cấp ủy Đảng, chính quyền, tổ chức chính trị – xã hội"},
		{Code: "can-bo-cong-chuc", Label: "Đội ngũ cán bộ, công chức"},
		{Code: "nguoi-dan", Label: "Doanh nghiệp và người dân"},
	}
}

// DefaultAudience is the audience of a radio script unless told otherwise.
const DefaultAudience = "nguoi-dan"

// Priorities follow Thông tư 39/2020/TT-BTTTT: normal, priority (first in a
// programme), emergency (at once).
func Priorities() []Entry {
	return []Entry{
		{Code: "normal", Label: "Thông thường"},
		{Code: "priority", Label: "Ưu tiên"},
		{Code: "emergency", Label: "Khẩn cấp"},
	}
}

// Label returns the label of code in entries, or "" when unknown.
func Label(entries []Entry, code string) string {
	for _, e := range entries {
		if e.Code == code {
			return e.Label
		}
	}
	return ""
}

// Known reports whether code is one of entries.
func Known(entries []Entry, code string) bool { return Label(entries, code) != "" }

// Codes lists the codes of entries, for error messages.
func Codes(entries []Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Code
	}
	return out
}

// TopicLabel, AreaLabel and AudienceLabel are shorthands for Label.
func TopicLabel(code string) string    { return Label(Topics(), code) }
func AreaLabel(code string) string     { return Label(Areas(), code) }
func AudienceLabel(code string) string { return Label(Audiences(), code) }
