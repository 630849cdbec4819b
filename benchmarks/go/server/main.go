// Command server is the Go peer of the demo app's load-test handler, for the HTTP comparison.
//
// GET /demo/work?cpu=<µs>&io=<ms>[&pin=true] does what DemoResource.work does: cpu microseconds of fixed CPU work
// (690 xorshift64 steps per µs, the count used by the demo's Spin class, not a clock), then a wait of io
// milliseconds. The wait is time.Sleep, which parks the goroutine without holding a thread; with pin=true it is
// syscall.Nanosleep, a real blocking system call that keeps its M until sysmon retakes the P, the twin of the
// demo's native nanosleep through the FFM API.
//
// Usage: server -addr 127.0.0.1:18090      (GOMAXPROCS defaults to the CPU count, as Go does)
//
//	server -calibrate                  prints the steps per µs this machine runs, to check the 690
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// stepsPerMicro must stay equal to Spin.STEPS_PER_US in the demo app: both servers then do the same work.
const stepsPerMicro = 690

// sink keeps the result alive so the compiler cannot drop the loop.
var sink uint64

func spin(us int) uint64 {
	x := uint64(88172645463325252) ^ uint64(time.Now().UnixNano())
	n := us * stepsPerMicro
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	atomic.StoreUint64(&sink, x)
	return x & 0xffff
}

func intParam(r *http.Request, name string, def int) int {
	v, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return v
}

func work(w http.ResponseWriter, r *http.Request) {
	cpu := intParam(r, "cpu", 50)
	io := intParam(r, "io", 50)
	pin := r.URL.Query().Get("pin") == "true"
	x := spin(cpu)
	if io > 0 {
		d := time.Duration(io) * time.Millisecond
		if pin {
			ts := syscall.NsecToTimespec(int64(d))
			_ = syscall.Nanosleep(&ts, nil) // EINTR ends it early, as in the Java handler
		} else {
			time.Sleep(d)
		}
	}
	pinned := ""
	if pin {
		pinned = " pinned"
	}
	fmt.Fprintf(w, "go cpu=%dus io=%dms%s x=%d", cpu, io, pinned, x)
}

// calibrate measures process CPU time, not wall time, so that other load on the machine does not skew it.
func calibrate() {
	const us = 200_000
	spin(us / 10) // warm up
	before := cpuTime()
	spin(us)
	took := cpuTime() - before
	fmt.Printf("%d steps in %v of CPU: %.0f steps/µs on this machine (the handler assumes %d)\n",
		us*stepsPerMicro, took, float64(us*stepsPerMicro)/float64(took.Microseconds()), stepsPerMicro)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	cal := flag.Bool("calibrate", false, "measure the CPU work and exit")
	flag.Parse()
	if *cal {
		calibrate()
		return
	}
	http.HandleFunc("/demo/work", work)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
