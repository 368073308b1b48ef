package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.cli.AgentCredentials;
import dev.flotilla.ui.FleetUi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet view at {@code /ui} against a hub with three simulated members: plain HTTPS for what an
 * unauthenticated or narrowly authorized caller gets and the change stream, then headless Chromium
 * for what a person sees (cluster rows, a placement once a policy is applied, an endpoint count
 * following a scale), saving screenshots to {@code target/ui-screenshots/} (to {@code docs/ui/}
 * with {@code -Dflotilla.ui.updateDocs=true}). The browser part is skipped, visibly, where Debian's
 * {@code chromium} and {@code chromium-driver} are not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetUiE2E {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path EXAMPLE = Examples.dir("karmada-mcs");
  static final ObjectMapper JSON = new ObjectMapper();
  static McsFleet fleet;
  static FleetUi ui;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet("derived-");
    ui = FleetUi.install(fleet.hubServer, fleet.hub, fleet.discovery.index());
    http = fleet.https();
  }

  @AfterAll
  static void stop() {
    if (ui != null) {
      ui.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fleet.hubServer.url() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> login(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(fleet.hubServer.url() + "/ui/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void withoutAValidTokenThePageIsALoginFormAndTheDataIs401() throws Exception {
    String admin = fleet.hubServer.authenticator().adminToken();
    // The admin sees the members through the API view: the check below would catch a leak.
    McsFleet.await(
        "member1 in the admin's view",
        () -> {
          try {
            return get("/ui/api/fleet", "Authorization", "Bearer " + admin).body();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        b -> b.contains("member1"));
    for (String[] headers :
        List.of(
            new String[0],
            new String[] {"Authorization", "Bearer not-a-token"},
            new String[] {"Cookie", "flotilla-ui-token=not-a-token"})) {
      HttpResponse<String> page = get("/ui/", headers);
      assertEquals(401, page.statusCode(), page.body());
      assertTrue(page.body().contains("action=\"/ui/login\""), page.body());
      assertFalse(page.body().contains("member1"), page.body());
      HttpResponse<String> data = get("/ui/api/fleet", headers);
      assertEquals(401, data.statusCode(), data.body());
      assertEquals("Status", JSON.readTree(data.body()).path("kind").asText());
      assertFalse(data.body().contains("member1"), data.body());
    }
    HttpResponse<String> bad = login("not-a-token");
    assertEquals(401, bad.statusCode());
    assertTrue(bad.body().contains("not valid"), bad.body());
    assertTrue(bad.headers().allValues("Set-Cookie").isEmpty());
    HttpResponse<String> planted =
        http.send(
            HttpRequest.newBuilder(URI.create(fleet.hubServer.url() + "/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://elsewhere.example")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + admin))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, planted.statusCode(), planted.body());
    assertTrue(planted.headers().allValues("Set-Cookie").isEmpty());
    HttpResponse<String> good = login(admin);
    assertEquals(303, good.statusCode());
    String cookie = good.headers().firstValue("Set-Cookie").orElseThrow();
    String attrs = cookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(attrs.contains("; httponly") && attrs.contains("; secure"), cookie);
    assertTrue(attrs.contains("samesite=strict") && attrs.contains("path=/ui"), cookie);
    HttpResponse<String> in = get("/ui/", "Cookie", cookie.substring(0, cookie.indexOf(';')));
    assertEquals(200, in.statusCode());
    assertTrue(in.body().contains("/ui/assets/app.js"), in.body());
    // The token must not sit in a URL: a GET login does not exist.
    assertEquals(404, get("/ui/login?token=" + admin).statusCode());
  }

  @Test
  @Order(2)
  void aUserRbacDoesNotLetListTheFleetSeesNoneOfIt() throws Exception {
    // An agent's token for a cluster no agent runs (re-issuing member3's would cut its agent off).
    String agent = AgentCredentials.create(fleet.hub, "ui-viewer");
    HttpResponse<String> r = get("/ui/api/fleet", "Authorization", "Bearer " + agent);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode view = JSON.readTree(r.body());
    assertTrue(
        view.path("templates").path("denied").asText().contains("resourcebindings"), r.body());
    assertFalse(view.path("templates").has("items"), r.body());
    assertFalse(view.path("services").has("items"), r.body());
  }

  @Test
  @Order(3)
  void theStreamSaysWhenTheFleetChanges() throws Exception {
    for (String[] headers :
        List.of(new String[0], new String[] {"Cookie", "flotilla-ui-token=not-a-token"})) {
      HttpResponse<String> refused = get("/ui/api/fleet/stream", headers);
      assertEquals(401, refused.statusCode(), refused.body());
      assertEquals("Status", JSON.readTree(refused.body()).path("kind").asText());
    }
    String cookie = "flotilla-ui-token=" + fleet.hubServer.authenticator().adminToken();
    HttpResponse<Stream<String>> stream =
        http.sendAsync(
                HttpRequest.newBuilder(URI.create(fleet.hubServer.url() + "/ui/api/fleet/stream"))
                    .header("Cookie", cookie)
                    .build(),
                HttpResponse.BodyHandlers.ofLines())
            .get(120, TimeUnit.SECONDS);
    assertEquals(200, stream.statusCode());
    assertTrue(
        stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
        stream.headers().toString());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                stream.body().forEach(lines::add);
              } catch (java.io.UncheckedIOException closedByTheTest) {
                // the finally block below closes the stream under this reader
              }
            },
            "ui-stream-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      assertTrue(nextEvent(lines).matches("[0-9]+-[0-9]+"), "the first event names the revision");
      // member3 carries nothing in this test; the taint shows in the view's clusters section.
      taintMember3(List.of(Map.of("key", "ui-stream", "value", "test", "effect", "NoSchedule")));
      // Fetch the view on events only: without a pushed event this times out and fails.
      String view = "";
      while (!view.contains("ui-stream=test:NoSchedule")) {
        nextEvent(lines);
        view = get("/ui/api/fleet", "Cookie", cookie).body();
      }
    } finally {
      taintMember3(List.of());
      stream.body().close();
    }
  }

  /** The data of the next {@code changed} event; fails after a generous wait for one. */
  static String nextEvent(BlockingQueue<String> lines) throws InterruptedException {
    boolean changed = false;
    // One deadline for the event, not per line: heartbeats arrive every 15 s regardless.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertNotNull(line, "no event from /ui/api/fleet/stream within 120 s");
      if (line.equals("event: changed")) {
        changed = true;
      } else if (changed && line.startsWith("data: ")) {
        return line.substring("data: ".length());
      }
    }
  }

  static void taintMember3(List<Map<String, String>> taints) {
    fleet
        .hub
        .genericKubernetesResources("cluster.karmada.io/v1alpha1", "Cluster")
        .withName("member3")
        .edit(
            c -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) c.getAdditionalProperties().get("spec");
              spec.put("taints", taints);
              return c;
            });
  }

  @Test
  @Order(4)
  void aPersonSeesClustersPlacementAndEndpointCountsLive() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser test skipped: install Debian's chromium and chromium-driver"
            + " (apt-get install -y chromium chromium-driver; .ci/run does)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,860");
    // The hub's certificate is signed by its own CA, which this browser profile does not know.
    options.setAcceptInsecureCerts(true);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    WebDriver browser = new ChromeDriver(service, options);
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(150));
      browser.get(fleet.hubServer.url() + "/ui/");
      browser.findElement(By.id("token")).sendKeys(fleet.hubServer.authenticator().adminToken());
      browser.findElement(By.cssSelector("#login button")).click();
      for (String member : List.of("member1", "member2", "member3")) {
        wait.until(d -> text(d, "tr[data-cluster='" + member + "'] td.ready").equals("True"));
      }
      fleet.kubectl(
          "--context",
          "flotilla",
          "apply",
          "-f",
          EXAMPLE.resolve("crd-propagation.yaml").toString());
      fleet.kubectl(
          "--context", "flotilla", "apply", "-f", EXAMPLE.resolve("serve.yaml").toString());
      String placement = "tr[data-template='default/Deployment/serve'] [data-placement='member1']";
      wait.until(d -> text(d, placement).contains("Healthy"));
      String row = "tr[data-template='default/Deployment/serve']";
      // Waited for, not read once: the table is re-rendered as it refreshes, and a row read
      // during that is stale (text() answers "").
      wait.until(d -> text(d, row).contains("PropagationPolicy/mcs-workload"));
      fleet.kubectl(
          "--context",
          "flotilla",
          "apply",
          "-f",
          EXAMPLE.resolve("service-export.yaml").toString());
      fleet.kubectl(
          "--context",
          "flotilla",
          "apply",
          "-f",
          EXAMPLE.resolve("service-import.yaml").toString());
      String provider = "[data-service='default/serve'] [data-provider='member1']";
      wait.until(d -> "1".equals(attr(d, provider, "data-endpoints")));
      wait.until(d -> first(d, "[data-service='default/serve'] [data-consumer='member2']"));
      fleet.kubectl("--context", "flotilla", "scale", "deployment/serve", "--replicas=3");
      wait.until(d -> "3".equals(attr(d, provider, "data-endpoints")));
      wait.until(d -> text(d, provider).contains("3/3 endpoints ready"));
      // The page follows the event stream, not the polling fallback.
      wait.until(d -> text(d, "#state").contains("(streamed)"));
      screenshot(browser, "fleet-view.png", true);
    } catch (org.openqa.selenium.TimeoutException e) {
      screenshot(browser, "failed.png", false);
      throw new AssertionError(
          e.getMessage().lines().findFirst().orElse("")
              + " at "
              + browser.getCurrentUrl()
              + "; the page:\n"
              + browser.findElement(By.tagName("body")).getText(),
          e);
    } finally {
      browser.quit();
    }
  }

  static WebElement first(WebDriver d, String css) {
    List<WebElement> found = d.findElements(By.cssSelector(css));
    return found.isEmpty() ? null : found.get(0);
  }

  /** The element's text, or "" while it is not there (the view redraws every change). */
  static String text(WebDriver d, String css) {
    try {
      WebElement e = first(d, css);
      return e == null ? "" : e.getText();
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return "";
    }
  }

  static String attr(WebDriver d, String css, String name) {
    try {
      WebElement e = first(d, css);
      return e == null ? null : e.getAttribute(name);
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return null;
    }
  }

  /**
   * Saves the page under target/ui-screenshots; the README's copy in docs/ui/ is refreshed only
   * when asked ({@code -Dflotilla.ui.updateDocs=true}), so a test run leaves the tree clean.
   */
  static void screenshot(WebDriver browser, String name, boolean forDocs) throws Exception {
    Path docs =
        forDocs && Boolean.getBoolean("flotilla.ui.updateDocs")
            ? Examples.dir("karmada-mcs").getParent().getParent().resolve("docs").resolve("ui")
            : Path.of("target", "ui-screenshots");
    Files.createDirectories(docs);
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(docs.resolve(name), png);
  }
}
