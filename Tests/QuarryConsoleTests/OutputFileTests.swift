import Foundation
import QuarryConsole
import Testing

/// Output files (issue 22, defect 10): write errors are errors, a new file appears whole through
/// a rename, and an existing path — a symlink, a device, a file — is written in place.
@Suite struct OutputFileTests {
    func folder() -> String {
        let path = NSTemporaryDirectory() + "quarry-output-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFullDeviceIsAnErrorThatSaysWhy() throws {
        let out = try OutputFile(path: "/dev/full")
        #expect(throws: OutputFile.Failure(file: "/dev/full", reason: "No space left on device")) {
            try out.write("x")
            try out.close()
        }
    }

    @Test func aNewFileAppearsWholeOnlyWhenClosed() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/new.txt"
        let out = try OutputFile(path: path)
        try out.write(String(repeating: "line\n", count: 30_000))   // past the flush size
        #expect(!FileManager.default.fileExists(atPath: path))
        try out.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == 150_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["new.txt"])
        // Discarded, a new file leaves nothing behind.
        let dropped = try OutputFile(path: dir + "/dropped.txt")
        try dropped.write("partial")
        dropped.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["new.txt"])
    }

    @Test func aSymlinkAndAnExistingFileAreWrittenInPlace() throws {
        let dir = folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/target.txt", link = dir + "/link.txt"
        try "old contents, longer than the new\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        chmod(target, 0o640)
        let inode = try FileManager.default.attributesOfItem(atPath: target)[.systemFileNumber] as? Int
        let out = try OutputFile(path: link)
        try out.write("new\n")
        try out.close()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target, "the link stays a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect(attributes[.systemFileNumber] as? Int == inode, "the same file, not a replacement")
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
    }

    @Test func aFolderIsRefused() {
        #expect(throws: OutputFile.Failure.self) { try OutputFile(path: NSTemporaryDirectory()) }
    }
}
