import XCTest
@testable import LiveTSEngine

/// The reader every browser frame goes through before the protocol looks
/// at it: strict RFC 8259, strings decoded, everything else kept as sent.
final class JSONReaderTests: XCTestCase {
    private func read(_ text: String) -> [JSONReader.Value]? { JSONReader.topLevelArray(Array(text.utf8)) }
    private func string(_ text: String) -> JSONReader.Value { .string(Array(text.utf8)) }
    private func number(_ text: String) -> JSONReader.Value { .number(Array(text.utf8)) }
    private func other(_ text: String) -> JSONReader.Value { .other(Array(text.utf8)) }

    func testAnEventFrameSplitsIntoItsElementsWithThePayloadKeptAsSent() {
        XCTAssertEqual(read(#"["e",12,"c1","save",{"a": [1, 2], "b":"x\"y"}]"#),
                       [string("e"), number("12"), string("c1"), string("save"), other(#"{"a": [1, 2], "b":"x\"y"}"#)])
        XCTAssertEqual(read(" \t\r\n[ \"l\" , 3 , \"c\" ] \n"), [string("l"), number("3"), string("c")])
        XCTAssertEqual(read("[]"), [])
        XCTAssertEqual(read("[true,false,null,[],-0.5e+3]"),
                       [other("true"), other("false"), other("null"), other("[]"), number("-0.5e+3")])
        XCTAssertNil(string("e").raw, "a string's source text is not kept")
        XCTAssertEqual(number("12").raw, Array("12".utf8))
    }

    func testEscapesAreDecodedToUTF8() {
        XCTAssertEqual(read(#"["\"\\\/\b\f\n\r\t"]"#), [.string([34, 92, 47, 8, 12, 10, 13, 9])])
        XCTAssertEqual(read(#"["caf\u00e9","\u00E9"]"#), [string("café"), string("é")])
        XCTAssertEqual(read(#"["\ud83d\ude00"]"#), [string("😀")], "a surrogate pair is one scalar")
        XCTAssertEqual(read("[\"é😀\"]"), [string("é😀")], "UTF-8 passes through")
    }

    /// A half of a surrogate pair is no character at all: the frame is refused
    /// rather than handed on as bytes that are not UTF-8.
    func testBrokenEscapesRefuseTheFrame() {
        for bad in [#"["\ud83d"]"#, #"["\ude00"]"#, #"["\ud83d\u0041"]"#, #"["\u12"]"#, #"["\u12g4"]"#, #"["\x"]"#, #"["\"]"#] {
            XCTAssertNil(read(bad), bad)
        }
        XCTAssertNil(read("[\"a\u{1}b\"]"), "a control character must be escaped")
        XCTAssertNil(read("[\"tab\tinside\"]"))
    }

    func testNumbersFollowTheGrammar() {
        for good in ["0", "-0", "10", "1.5", "1e9", "1E-9", "-12.25e+2"] {
            XCTAssertEqual(read("[\(good)]"), [number(good)], good)
        }
        for bad in ["01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity"] {
            XCTAssertNil(read("[\(bad)]"), bad)
        }
    }

    func testAnythingButExactlyOneArrayIsRefused() {
        for bad in ["", "  ", "{}", #""e""#, "[1] [2]", "[1]x", "[1", "[1,]", "[,1]", "[1 2]", "[1,,2]",
                    #"[{"a" 1}]"#, "[{1:2}]", #"[{"a":1,}]"#, "[tru]", "[nul]", "[True]"] {
            XCTAssertNil(read(bad), bad)
        }
    }

    /// Depth is bounded so a frame of brackets cannot exhaust the loop
    /// thread's stack.
    func testNestingIsLimitedTo64Levels() {
        let deepest = "[" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "]"
        XCTAssertEqual(read(deepest)?.count, 1)
        let tooDeep = "[" + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "]"
        XCTAssertNil(read(tooDeep))
        let objects = "[" + String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65) + "]"
        XCTAssertNil(read(objects))
    }
}
