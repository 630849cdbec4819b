package io.quarkiverse.goroutines.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * A loopback peer for the socket demo: reads a number of milliseconds, waits that long, answers one byte. Runs on its
 * own platform threads, outside the scheduler, like a remote server would.
 */
@Singleton
public class SlowPeer {

    private final ServerSocket server;

    public SlowPeer() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "slow-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> answer(s), "slow-peer");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            long ms = Long.parseLong(in.readLine().trim());
            Thread.sleep(ms);
            s.getOutputStream().write('k');
        } catch (IOException | InterruptedException | NumberFormatException e) {
            // the client sees the connection close
        }
    }

    @PreDestroy
    void close() throws IOException {
        server.close();
    }
}
