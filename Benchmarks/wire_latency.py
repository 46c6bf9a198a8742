"""On-the-wire latency from a pcap of loopback traffic to one port: each request packet (to PORT)
is paired with the response packet that acknowledges exactly its bytes, so the pair's time apart is
what the server took, request queueing included, but nothing either client did before sending or
after the response arrived. Prints: pairs p50_ms p99_ms mean_ms.

    python3 wire_latency.py CAPTURE.pcap PORT
"""
import statistics
import struct
import sys


def packets(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    scale = 1e9 if magic == 0xA1B23C4D else 1e6
    link = struct.unpack("<I", data[20:24])[0]
    skip = {1: 14, 113: 16}.get(link, 0)  # Ethernet (lo), Linux cooked
    off = 24
    while off + 16 <= len(data):
        sec, frac, included, _ = struct.unpack("<IIII", data[off : off + 16])
        yield sec + frac / scale, data[off + 16 + skip : off + 16 + included]
        off += 16 + included


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    sent, latencies = {}, []
    for t, ip in packets(path):
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        header = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[header:]
        source, destination, seq, ack = struct.unpack(">HHII", tcp[:12])
        payload = total - header - (tcp[12] >> 4) * 4
        if payload <= 0:
            continue
        if destination == port:
            # Keyed by the acknowledgement that will answer it: client port and end of its bytes.
            sent[(source, (seq + payload) & 0xFFFFFFFF)] = t
        elif source == port:
            start = sent.pop((destination, ack), None)
            if start is not None:
                latencies.append((t - start) * 1000)
    if not latencies:
        sys.exit("no request/response pairs in " + path)
    latencies.sort()
    n = len(latencies)
    print("%d %.3f %.3f %.3f" % (
        n, latencies[n // 2], latencies[min(n - 1, n * 99 // 100)], statistics.fmean(latencies)))


main()
