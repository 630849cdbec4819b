package io.quarkiverse.goroutines.deployment;

import static io.quarkiverse.goroutines.deployment.app.Where.assertOnG;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.deployment.app.AsyncObserver;
import io.quarkiverse.goroutines.deployment.app.AsyncPing;
import io.quarkiverse.goroutines.deployment.app.BlockingConsumer;
import io.quarkiverse.goroutines.deployment.app.BlockingJob;
import io.quarkiverse.goroutines.deployment.app.BlockingRoute;
import io.quarkiverse.goroutines.deployment.app.BodyOf;
import io.quarkiverse.goroutines.deployment.app.BodyOfReader;
import io.quarkiverse.goroutines.deployment.app.Filters;
import io.quarkiverse.goroutines.deployment.app.PathsResource;
import io.quarkiverse.goroutines.deployment.app.RequestState;
import io.quarkiverse.goroutines.deployment.app.Where;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Every way blocking work reaches the worker pool runs as a G on an {@code executor-thread} M: each endpoint answers
 * the thread and the G id that served it.
 */
class DispatchPathsTest {

    static final Class<?>[] APP = { Where.class, PathsResource.class, RequestState.class, Filters.class, BodyOf.class,
            BodyOfReader.class, AsyncPing.class, AsyncObserver.class, BlockingConsumer.class, BlockingJob.class,
            BlockingRoute.class };

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(() -> ShrinkWrap.create(org.jboss.shrinkwrap.api.spec.JavaArchive.class).addClasses(APP))
            .overrideRuntimeConfigKey("quarkus.goroutines.procs", "2");

    static String get(String path) {
        return given().get(path).then().statusCode(200).extract().asString();
    }

    @Test
    void restBlockingMethod() {
        assertOnG("REST String method", get("/paths/plain"));
    }

    @Test
    void restBlockingUni() {
        assertOnG("REST @Blocking Uni", get("/paths/blocking-uni"));
    }

    @Test
    void restNonBlockingStaysOnEventLoop() {
        String served = get("/paths/event-loop");
        System.out.println("[goroutines-test] REST non-blocking Uni served by " + served);
        assertTrue(served.startsWith("vert.x-eventloop-thread-") && served.endsWith("|none"), served);
    }

    @Test
    void restRequestFilterRunsOnTheSameG() {
        String[] both = get("/paths/filter").split(" -> ");
        assertOnG("REST request filter", both[0]);
        assertOnG("REST method after filter", both[1]);
        assertEquals(both[0], both[1], "the filter and the method run in one G");
    }

    @Test
    void restBodyReaderRunsOnTheG() {
        String body = given().contentType("text/plain").body("x".repeat(100_000)).post("/paths/body")
                .then().statusCode(200).extract().asString();
        String[] both = body.split(" -> ");
        assertOnG("REST body reader", both[0]);
        assertOnG("REST method after body", both[1]);
        assertTrue(body.endsWith("(100000 chars)"), body);
    }

    @Test
    void restFormBody() {
        String served = given().formParam("name", "gopher").post("/paths/form")
                .then().statusCode(200).extract().asString();
        assertSameGFromFilterToMethod("REST form body", served);
        assertTrue(served.endsWith("name=gopher"), served);
    }

    @Test
    void restMultipartBody() {
        String served = given().multiPart("name", "gopher")
                .multiPart("file", "f.bin", "y".repeat(50_000).getBytes(StandardCharsets.UTF_8))
                .post("/paths/multipart").then().statusCode(200).extract().asString();
        assertSameGFromFilterToMethod("REST multipart body", served);
        assertTrue(served.endsWith("name=gopher size=50000"), served);
    }

    /**
     * The body is parsed between the request filter and the method. One G from filter to method means it was parsed
     * in that G: a dispatch elsewhere would have come back in a new G.
     */
    static void assertSameGFromFilterToMethod(String what, String served) {
        String[] both = served.split(" -> ");
        assertOnG(what + ", filter", both[0]);
        assertOnG(what + ", method", both[1]);
        // The same G id; its M may differ in virtual mode, where the G parks while the body arrives.
        String filterG = both[0].substring(both[0].indexOf('|'));
        String methodG = both[1].substring(both[1].indexOf('|'), both[1].indexOf(' '));
        assertEquals(filterG, methodG, "one G from filter through body to method: " + served);
    }

    @Test
    void throwingHandlerGives500AndTheMLivesOn() {
        given().get("/paths/boom").then().statusCode(500);
        Thread m = PathsResource.BOOM_THREAD.get();
        System.out.println("[goroutines-test] throwing handler ran on " + m.getName() + ", alive=" + m.isAlive());
        assertTrue(m.getName().startsWith("executor-thread-"), m.getName());
        assertTrue(m.isAlive(), "the M survives a throwing G");
        for (int i = 0; i < 5; i++) {
            assertOnG("request after 500", get("/paths/plain"));
        }
    }

    @Test
    void contextIsPropagatedIntoTheG() {
        String served = given().header("X-Rid", "req-42").get("/paths/context")
                .then().statusCode(200).extract().asString();
        System.out.println("[goroutines-test] context: " + served);
        assertTrue(served.startsWith("scope=req-42 mdc=req-42 vertx=true duplicated=true set-on=vert.x-eventloop-thread-"),
                served);
        assertOnG("context read", served.substring(served.indexOf("read-on=")));
        // a second request sees its own values, not the first one's
        given().header("X-Rid", "req-43").get("/paths/context").then().statusCode(200)
                .body(containsString("scope=req-43 mdc=req-43"));
    }

    @Test
    void vertxExecuteBlocking() {
        assertOnG("Vert.x executeBlocking", get("/paths/execute-blocking"));
    }

    @Test
    void reactiveRouteBlocking() {
        assertOnG("@Route @Blocking", get("/route/blocking"));
    }

    @Test
    void consumeEventBlocking() {
        assertOnG("@ConsumeEvent(blocking = true)", get("/paths/consume-event"));
    }

    @Test
    void scheduledJob() {
        assertOnG("@Scheduled job", get("/paths/scheduled"));
    }

    @Test
    void managedExecutor() {
        String served = get("/paths/managed-executor");
        assertOnG("ManagedExecutor", served);
    }

    @Test
    void injectedExecutorService() {
        assertOnG("@Inject ExecutorService", get("/paths/executor-service"));
    }

    @Test
    void injectedExecutor() {
        assertOnG("@Inject Executor", get("/paths/executor"));
    }

    @Test
    void mutinyDefaultExecutor() {
        assertOnG("Mutiny default executor", get("/paths/mutiny"));
    }

    @Test
    void cdiAsyncEvent() {
        String caller = get("/paths/plain");
        String served = get("/paths/cdi-async");
        assertOnG("CDI async observer", served);
        assertNotEquals(caller, served);
    }
}
