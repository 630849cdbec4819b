package io.quarkiverse.goroutines.deployment.devui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Opens every page of the scheduler view in headless Chromium while the dev-mode app is under load: the P rows, the
 * live charts, the goroutine list with a stack, and a resize through the Controls page. Screenshots go to
 * {@code target/devui-screenshots/}.
 */
class DevUiBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SHOTS = Path.of("target", "devui-screenshots");
    static final String BASE = "http://localhost:8080";
    static final String PAGES = BASE + "/q/dev-ui/quarkus-goroutines/";
    static final double TIMEOUT = 30_000;

    @RegisterExtension
    static final QuarkusDevModeTest app = DevUiApp.create();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyPageShowsTheSchedulerUnderLoad() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Skipped: no Chromium at " + CHROMIUM + " (Debian package 'chromium'; .ci/run installs it)");
        Files.createDirectories(SHOTS);
        AtomicBoolean loading = new AtomicBoolean(true);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        List<Thread> spinners = new ArrayList<>();
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = pw.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM).setHeadless(true)
                        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
            for (int i = 0; i < 5; i++) {
                held.add(http.sendAsync(get("/load/block"), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    while (loading.get()) {
                        try {
                            http.send(get("/load/spin?ms=20"), HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            return;
                        }
                    }
                }, "load-" + i);
                t.start();
                spinners.add(t);
            }
            Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1000));
            page.setDefaultTimeout(TIMEOUT);
            List<String> errors = new CopyOnWriteArrayList<>();
            page.onPageError(errors::add);

            // The card on the extensions page: its live label.
            page.navigate(BASE + "/q/dev-ui/extensions");
            page.getByText(Pattern.compile("2 Ps · \\d+ Gs")).first().waitFor();
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("card.png")));

            // Scheduler: one row per P, live numbers.
            page.navigate(PAGES + "scheduler");
            Locator pRows = page.locator("#page qwc-goroutines-scheduler tr.p-row");
            page.waitForCondition(() -> pRows.count() == 2);
            assertEquals("P0", pRows.nth(0).locator("td").first().textContent().trim());
            assertEquals("P1", pRows.nth(1).locator("td").first().textContent().trim());
            assertEquals(11, pRows.nth(0).locator("td").count(), "state, M, G, queue, runnext, ticks, steals...");
            page.waitForCondition(() -> Integer.parseInt(page.locator("#page #goroutines").textContent()) >= 5);
            List<String> mStates = page.locator("#page qwc-goroutines-scheduler tr.m-row td:nth-child(2)")
                    .allTextContents();
            assertTrue(mStates.contains("syscall") && SchedSnapshot.MInfo.STATES.containsAll(mStates),
                    "held requests show their Ms in syscall: " + mStates);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("scheduler.png")).setFullPage(true));

            // Timeline: both charts drawn, one queue series per P plus the global queue, and points keep coming
            // (ten seconds of them, so that the screenshot shows the load).
            page.navigate(PAGES + "timeline");
            Locator timeline = page.locator("#page qwc-goroutines-timeline");
            timeline.locator("#queues canvas").waitFor();
            timeline.locator("#states canvas").waitFor();
            page.waitForCondition(() -> ((Number) timeline.evaluate("e => e._points.length")).intValue() >= 40);
            assertEquals(3, ((Number) timeline.evaluate("e => e._queues.getOption().series.length")).intValue());
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("timeline.png")).setFullPage(true));

            // Goroutines: the held requests with their label; a click shows the stack.
            page.navigate(PAGES + "goroutines");
            Locator held0 = page.locator("#page vaadin-grid-cell-content", new Page.LocatorOptions()
                    .setHasText("GET /load/block")).first();
            held0.waitFor();
            held0.click();
            Locator stack = page.locator("#page qwc-goroutines-goroutines #stack");
            stack.waitFor();
            page.waitForCondition(() -> stack.textContent().contains("LoadResource.block"));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("goroutines.png")).setFullPage(true));

            // Controls: resize to 3, refused 0, and the Scheduler page follows.
            page.navigate(PAGES + "controls");
            Locator controls = page.locator("#page qwc-goroutines-controls");
            controls.locator("#procs").fill("3");
            controls.locator("#resize").click();
            page.waitForCondition(() -> controls.locator("#current").textContent().equals("3"));
            controls.locator("#procs").fill("0");
            controls.locator("#resize").click();
            controls.locator("#error").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
            assertTrue(controls.locator("#error").textContent().contains("procs=0 is out of range"));
            assertEquals("3", controls.locator("#current").textContent());
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("controls.png")).setFullPage(true));
            page.navigate(PAGES + "scheduler");
            page.waitForCondition(() -> pRows.count() == 3);

            assertTrue(errors.isEmpty(), "no script errors: " + errors);
        } finally {
            loading.set(false);
            http.send(get("/load/release"), HttpResponse.BodyHandlers.ofString());
            for (Thread t : spinners) {
                t.join(30_000);
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertEquals("released", f.get(30, TimeUnit.SECONDS).body());
        }
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(90)).build();
    }
}
