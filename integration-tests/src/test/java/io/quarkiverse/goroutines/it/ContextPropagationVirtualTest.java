package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The context suite again in virtual mode: Vert.x context, request scope, MDC and security identity must reach a G
 * that is a virtual thread, and must still be there after the G parks and resumes, possibly on another M.
 */
@QuarkusTest
@TestProfile(VirtualMode.class)
class ContextPropagationVirtualTest extends ContextPropagationTest {

    @Test
    void contextSurvivesAParkOnEveryConcurrentRequest() throws Exception {
        assertTrue(given().get("/demo/whoami").then().statusCode(200).extract().asString().contains(" virtual=true "),
                "requests must run as virtual Gs in this profile");
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String rid = "p-" + i;
            answers.add(CompletableFuture.supplyAsync(() -> given().header("X-Rid", rid).get("/context/after-park?ms=20")
                    .then().statusCode(200).extract().asString()));
        }
        for (int i = 0; i < answers.size(); i++) {
            String answer = answers.get(i).get();
            String[] halves = answer.split(" \\|\\| ");
            assertEquals(2, halves.length, answer);
            for (String half : halves) {
                assertTrue(half.startsWith("scope=p-" + i + " mdc=p-" + i + " vertx=true duplicated=true "),
                        "before and after the park: " + answer);
                Served.onG("context after park", half.substring(half.indexOf("read-on=") + "read-on=".length()));
            }
        }
    }
}
