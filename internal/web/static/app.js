// loa console
