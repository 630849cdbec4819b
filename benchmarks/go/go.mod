module goroutines-benchmarks

go 1.19
