import Testing

@testable import LogValues

@Suite(.timeLimit(.minutes(5))) struct SourceSpecTests {
  @Test func displayNamesAreShort() {
    #expect(LogSourceSpec.file("/var/log/app/uvicorn.log").displayName == "uvicorn.log")
    #expect(LogSourceSpec.command("ssh web2 tail -F /var/log/app/app.log").displayName.count == 24)
    #expect(SourceNotice.replaced.description == "has been replaced; following new file")
  }
}
