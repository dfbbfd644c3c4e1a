// Package tts speaks Vietnamese script text offline: a normaliser turns
// administrative Vietnamese into the words a reader says, and an engine
// command (espeak-ng by default, or any offline engine that reads text on
// stdin and writes WAV on stdout) speaks it sentence by sentence into one
// WAV.
//
// # Normalisation rules
//
// The input is made NFC; the output is NFC, lower case, with the sentence
// punctuation kept (the engine's pauses). Each line is normalised alone, in
// this order (each rule sees the output of the ones before it):
//
//  1. Line markers: bullets "- ", "+ ", "• " go; a heading's Roman numeral
//     "II. " is read "hai. "; a list item "b) " is read by its letter name
//     "bê, ".
//  2. E-mail and web addresses: a whole address found in the abbreviation
//     table is read as the table says; otherwise labels the table knows
//     (dichvucong → dịch vụ công) are read as words, other labels letter by
//     letter (gov → gờ o vê, vn → vê en), "." is "chấm", "@" "a còng",
//     "/" "gạch chéo"; "https://" is not said.
//  3. Phone numbers: after tổng đài, đường dây nóng, hotline, điện thoại,
//     số máy, fax, and any 0… or +84… number of 10 or 11 digits, read digit
//     by digit in the groups written (0912 345 678; a landline's area code
//     and number, 0203 3876123 or (0203) 3.876.123), or 4-3-3 / 4-3-4 when
//     unbroken; groups are separated by commas (a pause). The emergency
//     numbers 111–115 after gọi, bấm, quay are said digit by digit too
//     ("gọi ngay 114" → "gọi ngay một một bốn").
//  4. Document numbers: "61/2018/NĐ-CP" → "sáu mươi mốt năm hai nghìn không
//     trăm mười tám của chính phủ"; "01/KH-UBND" → "một của ủy ban nhân
//     dân"; party style "18-NQ/TW" → "mười tám của trung ương". The code's
//     document type (NĐ, QĐ, TT, KH, NQ, CT, BC, TB, CV, HD, TTLT, …) is
//     dropped, the text having said it; the issuers are read from the
//     abbreviation table and joined with "và" (TTLT-BTP-BNV); a letter's
//     code has no type, its issuer then the drafting unit, which is not
//     said ("123/UBND-VX" → "một trăm hai mươi ba của ủy ban nhân dân"); QH13 is
//     "quốc hội khóa mười ba". When the text names the issuer itself right
//     after the code, maybe after its date ("…/NĐ-CP ngày 23/4/2018 của
//     Chính phủ", "05-CT/TW của Bộ Chính trị"), the code's issuers are not
//     said. A code with an unknown issuer is left to the other rules.
//  5. Dates: d/m/yyyy, d-m-yyyy, d.m.yyyy → "ngày D tháng M năm Y" ("ngày"
//     not repeated after ngày or mùng); m/yyyy → "tháng M năm Y" (after quý:
//     "quý M năm Y"); d/m is a date after ngày, mùng, lễ, and with "ngày"
//     after và, đến, hết, từ, tới, trước, sau — elsewhere it may be a
//     fraction and reads "d trên m". Month 4 is "tư". Two dates joined by a
//     dash ("01/5 - 30/6", "20/01 – 26/01/2023") are "… đến ngày …" (with
//     no year, only where d/m alone would be a date).
//  6. Times: 17h30, 17h, 17:30, 17g30, 17h00 → "mười bảy giờ ba mươi phút",
//     "mười bảy giờ"; "7h30 - 11h30" → "… đến …".
//  7. Units after a number: km, m, m²/m2, m³, cm, mm, ha, kg, kW, kWh, °C,
//     %, and money đ, VNĐ → đồng; "/ha" after a word is "trên héc ta".
//  8. Abbreviations: whole-word keys of the table, case as written, the
//     longest key first (abbreviations.tsv, embedded; [tts.abbreviations]
//     in loa.toml adds or overrides entries).
//  9. Ranges: "2021-2025", "10 – 15" → "… đến …". A "-" or "−" left
//     right before a digit, after a space or at the start, is a minus
//     sign: "-3°C" → "âm ba độ xê".
//  10. Ordinals: "thứ 1" → "thứ nhất", "thứ 4" → "thứ tư", else the number;
//     Roman numerals after quý, phần, chương, mục, khóa, kỳ, đại hội, phụ
//     lục, giai đoạn, … ("quý IV" → "quý bốn", "quý I/2023" → "quý một năm
//     hai nghìn không trăm hai mươi ba"), a list too ("quý II, III/2023" →
//     "quý hai, ba năm …").
//  11. Numbers: "." groups thousands when every group after the first has
//     three digits (1.250 → một nghìn hai trăm năm mươi), "," is the decimal
//     comma (2,5 → hai phẩy năm; 0,05 → không phẩy không năm); other dotted
//     forms read "chấm" (1.2 → một chấm hai). Integers the Vietnamese way:
//     mười/mươi, mốt (21), lăm (15, 25), tư (24; "bốn" with tts.four),
//     linh (105; "lẻ" with tts.zero_tens), nghìn ("ngàn" with
//     tts.thousand), triệu, tỷ, nghìn tỷ; the hundreds are said inside a
//     number (2018 → hai nghìn không trăm mười tám), and so are empty
//     thousands before hundreds (1.000.500 → một triệu không nghìn năm
//     trăm, not "một triệu năm trăm", heard as 1.500.000). A number with a leading
//     zero and more than three digits, or more than 15 digits, is read
//     digit by digit (a code, and espeak-ng's long-number freeze avoided).
//  12. Symbols: & và, + cộng, / trên, = bằng, ~ khoảng; a dash between
//     words is a comma ("Sáng – Xanh – Sạch – Đẹp"), inside a word a space;
//     brackets are commas; quotes go; an ellipsis is a comma.
//  13. Case: an all-capital word that is not a Vietnamese syllable (an
//     unknown acronym) is spelled by letter names (KCT → ca xê tê); every
//     word is lowered.
//
// NormalizerVersion names this rule set; it is recorded with each script
// spoken from text.
package tts
