package io.quarkiverse.goroutines.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.jboss.logging.Logger;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.GoroutineInfo;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * The demo: blocking endpoints of every kind. Each answers {@code <thread>|g<id>} (or {@code |none} outside a G) first,
 * then what it did.
 */
@Path("/demo")
public class DemoResource {

    private static final Logger LOG = Logger.getLogger(DemoResource.class);

    @Inject
    SlowPeer slowPeer;

    /** CPU work: {@code us} microseconds of xorshift, no blocking. */
    @GET
    @Path("cpu")
    public String cpu(@QueryParam("us") @DefaultValue("200") int us) {
        return Where.here() + " cpu=" + us + "us x=" + Spin.spin(us);
    }

    /**
     * The load-test handler: {@code cpu} microseconds of fixed CPU work, then a wait of {@code io} milliseconds,
     * unannounced: {@code Thread.sleep}, or with {@code pin=true} a native {@code nanosleep} ({@link NativeSleep}),
     * which keeps the thread in a native frame and so pins a virtual thread's carrier.
     */
    @GET
    @Path("work")
    public String work(@QueryParam("cpu") @DefaultValue("50") int cpu, @QueryParam("io") @DefaultValue("50") int io,
            @QueryParam("pin") boolean pin) throws InterruptedException {
        return doWork(cpu, io, pin);
    }

    /** {@link #work} as a {@code @RunOnVirtualThread} method: the same handler on the JDK's virtual threads. */
    @GET
    @Path("work-virtual")
    @RunOnVirtualThread
    public String workVirtual(@QueryParam("cpu") @DefaultValue("50") int cpu,
            @QueryParam("io") @DefaultValue("50") int io, @QueryParam("pin") boolean pin) throws InterruptedException {
        return doWork(cpu, io, pin);
    }

    private static String doWork(int cpu, int io, boolean pin) throws InterruptedException {
        long x = Spin.spin(cpu);
        if (io > 0) {
            if (pin) {
                NativeSleep.sleep(io);
            } else {
                Thread.sleep(io);
            }
        }
        return Where.here() + " cpu=" + cpu + "us io=" + io + "ms" + (pin ? " pinned" : "") + " x=" + x;
    }

    /** Unannounced blocking: {@code Thread.sleep} keeps the M; sysmon sees it and hands the P off. */
    @GET
    @Path("sleep")
    public String sleep(@QueryParam("ms") @DefaultValue("50") int ms) throws InterruptedException {
        Thread.sleep(ms);
        return Where.here() + " slept=" + ms + "ms";
    }

    /** Unannounced blocking in I/O: a socket read from a peer that answers after {@code ms}. */
    @GET
    @Path("socket")
    public String socket(@QueryParam("ms") @DefaultValue("50") int ms) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), slowPeer.port())) {
            OutputStream out = s.getOutputStream();
            out.write((ms + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            int b = in.read();
            return Where.here() + " socket-read=" + (char) b + " after " + ms + "ms";
        }
    }

    /** Announced blocking: {@code Go.syscall} gives the P away before blocking, as a Go syscall does. */
    @GET
    @Path("syscall")
    public String syscall(@QueryParam("ms") @DefaultValue("50") int ms) throws Exception {
        String inside = Go.syscall(() -> {
            Thread.sleep(ms);
            return Go.current().map(g -> g.state()).orElse("none");
        });
        return Where.here() + " syscall=" + ms + "ms state-inside=" + inside;
    }

    /**
     * Writes one INFO line from the handler, so that the log shows who ran it: in virtual mode the thread column
     * ({@code %t}) reads {@code goroutine-<id>}.
     */
    @GET
    @Path("log")
    public String log() {
        String here = Where.here();
        LOG.infof("demo log line from %s", here);
        return here;
    }

    /** The G serving this request, from {@code Go.current()}. */
    @GET
    @Path("whoami")
    public String whoami() {
        GoroutineInfo g = Go.current().orElse(null);
        if (g == null) {
            return Where.here() + " not a goroutine";
        }
        return Where.here() + " id=" + g.id() + " state=" + g.state() + " p=" + g.p() + " m=" + g.m()
                + " thread=" + g.thread() + " virtual=" + g.virtual() + " numGoroutine=" + Go.numGoroutine()
                + " maxProcs=" + Go.maxProcs();
    }

    /** The scheduler's counters since start (hand-offs, detections, false detections, ...), as one line. */
    @GET
    @Path("counters")
    public String counters() {
        return Go.scheduler().snapshot().counters() + "\n";
    }

    /** The scheduler right now, in Go's {@code schedtrace}/{@code scheddetail} format. */
    @GET
    @Path("sched")
    public String sched() {
        return Go.scheduler().schedtrace(true) + "\n";
    }

    /** {@code @RunOnVirtualThread} stays on a virtual thread. */
    @GET
    @Path("virtual")
    @RunOnVirtualThread
    public String virtual() {
        return Where.here() + " virtual=" + Thread.currentThread().isVirtual();
    }

    /** A handler that throws: the client gets 500, the M carries on. */
    @GET
    @Path("boom")
    public String boom() {
        throw new IllegalStateException("boom on " + Where.here());
    }
}
