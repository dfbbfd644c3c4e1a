// Package web serves the station's console (Vietnamese, server-rendered with
// html/template, a little hand-written JavaScript) and its JSON API under
// /api/v1. Handlers are thin: they read the request, call the station
// service layer (which checks permissions) and render what it returns.
// Sessions and CSRF are handled in middleware; nothing here opens the
// database or builds SQL.
package web
