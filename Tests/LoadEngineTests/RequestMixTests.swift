import LoadEngine
import Metrics
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(30))) struct RequestMixTests {
  @Test func vusersPickRequestsByWeight() async throws {
    let server = try await TestHTTPServer()
    let config = try makeConfig(server.url, vusers: 4, requests: 2000) { config in
      config.mix = [
        WeightedRequest(name: "home", template: try! RequestTemplate(), path: "/home", weight: 3),
        WeightedRequest(
          name: "order", template: try! RequestTemplate(method: "POST", body: Array(#"{"qty":1}"#.utf8)),
          path: "/order?id=7", weight: 1),
      ]
    }
    let run = try await runEngine(config)
    await server.shutdown()
    run.expectNothingLost()
    let home = server.requests("GET /home")
    let order = server.requests("POST /order?id=7")
    #expect(home.count + order.count == 2000)
    // 3:1 by weight: 1500 and 500 expected; 5 standard deviations of a binomial is about 97.
    #expect(abs(home.count - 1500) < 100, "GET /home \(home.count), POST /order \(order.count)")
    #expect(order.bodyBytes == order.count * 9)
    #expect(home.bodyBytes == 0)
  }

  @Test func aMixPathThatCouldSplitTheRequestLineIsRefused() throws {
    var config = try makeConfig("http://127.0.0.1:9/", vusers: 1)
    config.mix = [WeightedRequest(template: try RequestTemplate(), path: "/a HTTP/1.1\r\nX: y")]
    #expect(throws: ConfigError.self) { try LoadEngine(config: config, store: MetricsStore()) }
    config.mix = [WeightedRequest(template: try RequestTemplate(), path: "/a", weight: 0)]
    #expect(throws: ConfigError.self) { try LoadEngine(config: config, store: MetricsStore()) }
  }
}
