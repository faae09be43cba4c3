import Radiography
import XCTest

/// The message of the `FilmError` that `body` throws; a test failure (and "") when it throws
/// nothing or another error, or an error of another `kind` than the one given.
public func filmError(kind: FilmError.Kind? = nil, _ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        _ = try body()
        XCTFail("expected an error", file: file, line: line)
        return ""
    } catch let error as FilmError {
        if let kind { XCTAssertEqual(error.kind, kind, error.message, file: file, line: line) }
        return error.message
    } catch {
        XCTFail("not a FilmError: \(error)", file: file, line: line)
        return ""
    }
}

/// Asserts that `body` throws a `FilmError` whose message starts with `prefix` and contains `fragment`.
public func XCTAssertFilmError<T>(_ body: @autoclosure () throws -> T, prefix: String, contains fragment: String = "",
                                  file: StaticString = #filePath, line: UInt = #line) {
    let message = filmError({ try body() }, file: file, line: line)
    XCTAssertTrue(message.hasPrefix(prefix), message, file: file, line: line)
    if !fragment.isEmpty {
        XCTAssertTrue(message.contains(fragment), message, file: file, line: line)
    }
}
