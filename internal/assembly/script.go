package assembly

import "loa/internal/queue"

// Script is a queued script as the queue returns it.
type Script = queue.Script
