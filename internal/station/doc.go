// Package station is the service layer the command line and the web console
// both call: it opens a data directory (database, content store, queue,
// airtime log, users) and offers the station's operations, each taking the
// Actor who asks. Permissions are checked here, so no skin can differ from
// another about who may do what.
package station
