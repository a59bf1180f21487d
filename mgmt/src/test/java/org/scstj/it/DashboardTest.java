package org.scstj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web dashboard in a real browser: Debian's chromium, headless, driven by Selenium through
 * Debian's chromedriver (both installed when missing), against the real daemon with libiscsi's
 * tools and the project's own initiator as the initiators. Saves a screenshot of each main page
 * to {@code -Dscstj.screenshots=DIR} (default {@code target/screenshots}; docs/images has the
 * committed ones: {@code -Dscstj.screenshots=../docs/images} refreshes them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class DashboardTest {
    static final String TARGET = "iqn.2026-12.org.scstj:dashboard";
    static final String HOST = "iqn.2026-12.org.example:dashboard-host";
    static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              admin.listen = "127.0.0.1:0"
              handlers {
                vdisk_fileio { disk0 { filename = "@DIR@/disk0.img", size = 64M, thin-provisioned = true } }
                vdisk_nullio { null0 { size = 1G } }
                vcdrom { cd0 { image = "@DIR@/a.iso" } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-12.org.scstj:dashboard" { luns { 0 = null0, 1 = disk0, 2 = cd0 } }
                }
              }
            }
            """;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String UI_INITIATOR = "iqn.2026-12.org.example:closed-from-the-ui";

    @TempDir
    static Path dir;
    private Daemon daemon;
    private ChromeDriverService service;
    private WebDriver browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        Tools.require("iscsi-perf", "libiscsi-bin");
        Tools.require("iscsi-ls", "libiscsi-bin");
        Tools.require("chromium", "chromium");
        Tools.require("chromedriver", "chromium-driver");
        Files.write(dir.resolve("a.iso"), new byte[2048 * 16]); // discs: whole 2048-byte blocks
        Files.write(dir.resolve("b.iso"), new byte[2048 * 32]);
        daemon = Daemon.start(dir, CONFIG);
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(path("chromedriver")))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(path("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,860", "--user-data-dir=" + dir.resolve("chromium-profile"));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        signIn();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null && daemon != null) {
                page("overview"); // the daemon stops cleanly while a dashboard reads its event stream
                visible("#iops");
                long start = System.nanoTime();
                daemon.stopCleanly();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertTrue(seconds < 20, "stopping with a dashboard open took " + seconds + " s");
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (service != null) {
                service.stop();
            }
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    static String path(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return Path.of(d, binary).toString();
            }
        }
        throw new AssertionError(binary + " is not on the PATH");
    }

    String url() throws IOException {
        return Files.readString(dir.resolve("state/admin/url")).trim();
    }

    String token() throws IOException {
        return Files.readString(dir.resolve("state/admin/admin.token")).trim();
    }

    JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", "Bearer " + token()).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new ObjectMapper().readTree(r.body());
    }

    /** The id of the session of this initiator, or null. */
    String sessionOf(String initiator) throws Exception {
        for (JsonNode s : api("/api/v1/sessions")) {
            if (initiator.equals(s.get("attributes").get("initiator-name").get("value").asText())) {
                return s.get("name").asText();
            }
        }
        return null;
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    WebElement visible(String css) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    void page(String name) throws IOException {
        browser.get(url() + "/ui/#/" + name);
        browser.navigate().refresh(); // the same document with another hash: make sure the page renders anew
    }

    void signIn() throws IOException {
        browser.get(url() + "/");
        visible("#token").sendKeys(token());
        browser.findElement(By.id("signin")).click();
        visible("#iops");
    }

    void screenshot(String name) throws IOException {
        Path to = Path.of(System.getProperty("scstj.screenshots", "target/screenshots"));
        Files.createDirectories(to);
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(to.resolve("dashboard-" + name + ".png"), png);
    }

    void confirm() {
        visible("#confirm-ok").click();
    }

    static long number(String text) {
        String digits = text.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    @Test
    @Order(1)
    void overview_showsIopsRising_whileIscsiPerfRuns() throws Exception {
        page("overview");
        WebElement iops = visible("#iops");
        waiting().until(d -> number(d.findElement(By.id("count-targets")).getText()) == 1);
        Process perf = new ProcessBuilder("iscsi-perf", "-i", HOST, "-t", "20", "-m", "16", "-b", "8",
                daemon.url(TARGET, 0)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("iscsi-perf.out").toFile()).start();
        try {
            new WebDriverWait(browser, Duration.ofSeconds(15))
                    .until(d -> number(iops.getText()) > 0 && number(d.findElement(By.id("count-sessions")).getText()) == 1);
            Thread.sleep(8000); // some seconds of the charts, for the screenshot
            assertTrue(number(iops.getText()) > 0, "IOPS while iscsi-perf runs: " + iops.getText());
            screenshot("overview");
        } finally {
            perf.destroy();
            if (!perf.waitFor(10, TimeUnit.SECONDS)) {
                perf.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        // its session gone, the rate falls back to 0
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> number(iops.getText()) == 0);
    }

    @Test
    @Order(2)
    void devices_aDeviceAndLunAddedFromTheUi_areSeenByIscsiLs() throws Exception {
        page("devices");
        visible("#devices-table tr[data-device='null0']");
        visible("#dev-name").sendKeys("ui0");
        new Select(browser.findElement(By.id("dev-handler"))).selectByValue("vdisk_nullio");
        browser.findElement(By.id("dev-attrs")).sendKeys("size=64M");
        browser.findElement(By.id("dev-add")).click();
        visible("#devices-table tr[data-device='ui0']");
        new Select(browser.findElement(By.id("lun-target"))).selectByValue(TARGET);
        WebElement lun = browser.findElement(By.id("lun-number"));
        lun.clear();
        lun.sendKeys("5");
        new Select(browser.findElement(By.id("lun-device"))).selectByValue("ui0");
        browser.findElement(By.id("lun-map")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#devices-table tr[data-device='ui0']"),
                TARGET + "/5"));
        Tools.Result ls = Tools.run(List.of("iscsi-ls", "-i", HOST, "-s", daemon.portal()), 60);
        assertEquals(0, ls.exit(), ls.output());
        assertTrue(ls.output().contains("Lun:5"), "iscsi-ls sees the LUN added from the dashboard:\n" + ls.output());
        screenshot("devices");

        // removing it asks first, and a mapped device is unmapped on the way
        browser.findElement(By.cssSelector("button[data-action='remove'][data-device='ui0']")).click();
        assertTrue(visible("#confirm-text").getText().contains("LUN 5"));
        confirm();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#devices-table tr[data-device='ui0']")));
        assertFalse(Tools.run(List.of("iscsi-ls", "-i", HOST, "-s", daemon.portal()), 60).output().contains("Lun:5"));
    }

    @Test
    @Order(3)
    void devices_aCdromsDiscIsSwappedAndEjectedFromTheUi() throws Exception {
        page("devices");
        String row = "#devices-table tr[data-device='cd0']";
        visible(row + " button[data-action='load']").click();
        visible("#load-medium").sendKeys(dir.resolve("b.iso").toString());
        browser.findElement(By.id("load-submit")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(row), "b.iso"));
        assertTrue(api("/api/v1/devices/cd0").get("attributes").get("image").get("value").asText().endsWith("b.iso"));
        visible(row + " button[data-action='eject']").click();
        confirm();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(row), "(empty)"));
        assertFalse(api("/api/v1/devices/cd0").get("attributes").get("medium-present").get("value").asBoolean());
    }

    @Test
    @Order(4)
    void devices_aDeviceResizedFromTheUi_hasItsNewCapacity() throws Exception {
        page("devices");
        String row = "#devices-table tr[data-device='disk0']";
        visible(row + " button[data-action='resize']").click();
        WebElement size = visible("#resize-size");
        size.clear();
        size.sendKeys("128M");
        browser.findElement(By.id("resize-submit")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(row), "128.0 MiB"));
        assertEquals(128L << 20, api("/api/v1/devices/disk0").get("attributes").get("capacity").get("value").asLong());
    }

    @Test
    @Order(5)
    void sessions_aSessionClosedFromTheUi_disappears() throws Exception {
        Session s = Session.open(new InetSocketAddress("127.0.0.1", daemon.port),
                LoginSpec.normal(UI_INITIATOR, TARGET), WAIT);
        try {
            String id = sessionOf(UI_INITIATOR);
            assertTrue(id != null, "the session is listed: " + api("/api/v1/sessions"));
            page("sessions");
            visible("#sessions-table tr[data-session='" + id + "']").click();
            visible("#session-close");
            screenshot("sessions");
            browser.findElement(By.id("session-close")).click();
            confirm();
            waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                    By.cssSelector("#sessions-table tr[data-session='" + id + "']")));
            assertEquals(null, sessionOf(UI_INITIATOR), "the session is gone from the API too");
        } finally {
            try {
                s.close();
            } catch (IOException alreadyClosed) {
                // the target closed it
            }
        }
    }

    @Test
    @Order(6)
    void configuration_showsThePlanAndTheDiff_beforeApplying() throws Exception {
        page("config");
        WebElement text = visible("#config-text");
        waiting().until(d -> text.getDomProperty("value").contains(TARGET));
        // a file uploaded: the running configuration and one device more
        HttpResponse<String> running = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/config"))
                .header("Authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofString());
        Path file = dir.resolve("uploaded.conf");
        Files.writeString(file, running.body() + "\nscstj.handlers.vdisk_nullio.planned0 { size = 32M }\n");
        browser.findElement(By.id("config-file")).sendKeys(file.toString());
        waiting().until(d -> text.getDomProperty("value").contains("planned0"));
        browser.findElement(By.id("config-plan")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("plan-steps"), "planned0"));
        assertTrue(visible("#config-diff").getText().contains("+ scstj.handlers.vdisk_nullio.planned0"));
        screenshot("configuration");
        HttpResponse<String> before = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/devices/planned0"))
                .header("Authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, before.statusCode(), "a plan changes nothing");
        browser.findElement(By.id("config-apply")).click();
        confirm();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("config-message"), "applied"));
        assertEquals("planned0", api("/api/v1/devices/planned0").get("name").asText());
    }

    @Test
    @Order(7)
    void actorsAndLatency_sayWhenTheDaemonHasNoSuchData() throws Exception {
        for (String name : List.of("actors", "latency")) {
            page(name);
            // this daemon may or may not serve the route yet: either its table or the notice, never an error
            waiting().until(d -> !d.findElements(By.id(name + "-unavailable")).isEmpty()
                    || !d.findElements(By.cssSelector("#" + (name.equals("actors") ? "actors-tree" : "latency-tables")
                    + " table")).isEmpty());
            assertEquals("", browser.findElement(By.id(name + "-message")).getText());
        }
    }

    /** The shapes the daemon serves for GET /api/v1/actors and /api/v1/latency (docs/admin.md, docs/latency.md), drawn by the pages' own code. */
    static final String ACTORS_SAMPLE = """
            {"actors": [
              {"id": "target-iqn.2026-12.org.example:t", "parent": null, "kind": "target", "mailbox-depth": 0, "processed": 12},
              {"id": "target-iqn.2026-12.org.example:t/session-1", "parent": "target-iqn.2026-12.org.example:t",
               "kind": "session", "mailbox-depth": 1, "processed": 48250},
              {"id": "lun-null0", "parent": null, "kind": "lun", "mailbox-depth": 3, "processed": 48190}
            ], "kinds": {}}""";
    static final String LATENCY_SAMPLE = """
            {"unit": "us", "reset": false, "devices": [
              {"device": "null0", "enabled": true, "since": "2026-12-06T21:00:00Z", "stages": [
                {"stage": "exec", "op": "read", "size": "<=4k", "count": 48211, "mean": 12, "p50": 11, "p90": 30,
                 "p99": 45, "p99.9": 80, "max": 900},
                {"stage": "total", "op": "read", "size": "<=4k", "count": 48211, "mean": 26, "p50": 24, "p90": 60,
                 "p99": 96, "p99.9": 400, "max": 1310}
              ]},
              {"device": "disk0", "enabled": true, "since": "2026-12-06T21:00:00Z", "stages": [
                {"stage": "total", "op": "write", "size": "<=64k", "count": 1200, "mean": 110, "p50": 101, "p90": 200,
                 "p99": 480, "p99.9": 5000, "max": 5400}
              ]}
            ]}""";

    @Test
    @Order(8)
    void actorsAndLatency_drawTheShapesExpected_fromSampleData() throws Exception {
        for (String name : List.of("actors", "latency")) {
            page(name);
            waiting().until(ExpectedConditions.presenceOfElementLocated(By.id(name + "-message")));
            Object done = ((JavascriptExecutor) browser).executeAsyncScript("""
                    const [name, json, callback] = arguments;
                    import('/ui/js/' + name + '.js').then(m => {
                      const main = document.getElementById('main');
                      const sample = document.createElement('div');
                      sample.id = 'sample';
                      const title = document.createElement('h1');
                      title.textContent = name === 'actors' ? 'Actors (sample data)' : 'Latency (sample data)';
                      main.replaceChildren(title, sample);
                      sample.append(...m.view(JSON.parse(json)));
                      callback('drawn');
                    }, e => callback(String(e)));
                    """, name, name.equals("actors") ? ACTORS_SAMPLE : LATENCY_SAMPLE);
            assertEquals("drawn", done);
            String text = visible("#sample").getText();
            if (name.equals("actors")) {
                assertTrue(text.contains("3 actors, 4 messages waiting"), text);
                assertTrue(browser.findElement(By.cssSelector("#sample tr[data-path='lun-null0']"))
                        .getText().contains("48,190"), text);
            } else {
                assertTrue(browser.findElement(By.cssSelector("#sample section[data-device='null0']")).getText()
                        .contains("total read <=4k 48,211 24 96 1,310"), text);
                assertEquals(2, browser.findElements(By.cssSelector("#sample section")).size());
            }
            screenshot(name);
        }
    }

    @Test
    @Order(9)
    void theReadOnlyToken_looksButCannotChange() throws Exception {
        browser.findElement(By.id("signout")).click();
        visible("#token").sendKeys(Files.readString(dir.resolve("state/admin/readonly.token")).trim());
        browser.findElement(By.id("signin")).click();
        visible("#iops");
        page("devices");
        visible("#devices-table tr[data-device='null0'] button[data-action='remove']").click();
        confirm();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("devices-message"), "may only read"));
        assertEquals("null0", api("/api/v1/devices/null0").get("name").asText(), "still there");
        browser.findElement(By.id("signout")).click();
        signIn();
    }

    @Test
    @Order(10)
    void aWrongToken_isRefusedAtSignIn() throws Exception {
        browser.findElement(By.id("signout")).click();
        visible("#token").sendKeys("not-the-token");
        browser.findElement(By.id("signin")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "not accepted"));
        signIn();
    }
}
