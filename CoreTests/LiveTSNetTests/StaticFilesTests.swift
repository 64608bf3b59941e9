import XCTest
import Glibc
@testable import LiveTSNet

final class StaticFilesTests: XCTestCase {
    private var root = ""
    private var outside = ""

    override func setUp() {
        var template = Array("/tmp/livets-static-XXXXXX".utf8CString)
        root = String(cString: mkdtemp(&template)!)
        mkdir(root + "/public", 0o755)
        mkdir(root + "/public/js", 0o755)
        write(root + "/public/js/app.js", "console.log(1)")
        write(root + "/secret.txt", "secret")
        symlink(root + "/secret.txt", root + "/public/link.txt")
        outside = root + "/secret.txt"
    }

    private func write(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    private func lookup(_ path: String) -> StaticMount.Answer {
        StaticMount(prefix: "/static/", directory: root + "/public")!.lookup(Array(path.utf8))
    }

    func testServesAFileWithTypeAndETag() {
        guard case .file(let body, let type, let etag, _) = lookup("/static/js/app.js") else { return XCTFail("expected a file") }
        XCTAssertEqual(body, Array("console.log(1)".utf8))
        XCTAssertEqual(type, "text/javascript; charset=utf-8")
        XCTAssertTrue(etag.hasPrefix("\""))
    }

    func testNothingOutsideTheRoot() {
        for path in ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/js/%2E%2E/%2E%2E/secret.txt",
                     "/static/js/..%2f..%2fsecret.txt", "/static/js\\..\\..\\secret.txt", "/static/js/app.js%00.txt",
                     "/static/link.txt", "/static/", "/static/js", "/static//etc/passwd", "/static/%zz"] {
            guard case .notFound = lookup(path) else { return XCTFail("served \(path)") }
        }
    }
}
