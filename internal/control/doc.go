// Package control is how other processes talk to the running daemon: a
// Unix socket in the data directory (DATA/control.sock, mode 0600, so only
// the station's account reaches it) carrying one JSON request and one JSON
// response per connection, each with the protocol version. The daemon
// serves it (Serve); the command line and the web console are clients
// (Client): `loa announce` puts an urgent announcement on air, `loa status`
// asks what is on air now.
//
// A request is {"v":1,"op":"announce"|"status",...}; a response is
// {"v":1,"ok":true,...} or {"v":1,"ok":false,"error":"...","code":"..."}.
// A request of another version is refused (code "version"); an input error
// (code "input") is the client's input error too (exit 2).
package control
