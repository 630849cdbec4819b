// Command chan runs the Go side of the channel benchmarks (benchmarks' Channels class), to be read next to it:
//
//   - pingpong: two goroutines pass a token back and forth over two unbuffered channels; ns per round trip.
//   - buffered: a producer sends ints into a channel of capacity 128, a consumer takes them; ns per message.
//
// Usage: chan [-runs 5]   (each run is one testing.Benchmark of about a second)
//
// GOMAXPROCS is Go's default (the CPU count), like the scheduler's procs in the Java benchmark.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"testing"
)

const capacity = 128

func pingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
}

func buffered(b *testing.B) {
	c := make(chan int, capacity)
	done := make(chan int)
	go func() {
		sum := 0
		for v := range c {
			sum += v
		}
		done <- sum
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c <- i
	}
	close(c)
	<-done
}

func main() {
	runs := flag.Int("runs", 5, "runs of each benchmark (the median is reported)")
	flag.Parse()
	fmt.Printf("go %s, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOMAXPROCS(0))
	for _, bench := range []struct {
		name string
		unit string
		fn   func(*testing.B)
	}{{"pingpong", "round trip", pingPong}, {"buffered", "message", buffered}} {
		var results []float64
		for i := 0; i < *runs; i++ {
			r := testing.Benchmark(bench.fn)
			results = append(results, float64(r.T.Nanoseconds())/float64(r.N))
		}
		fmt.Printf("go-chan %s: %.1f ns per %s (runs: %.1f)\n", bench.name, median(results), bench.unit, results)
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
