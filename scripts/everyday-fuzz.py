#!/usr/bin/env python3
"""everyday-fuzz: random packets of the everyday families, printed by tcpdump and fcap.

The held-out parity check (issue 13) compares `tcpdump -r F FLAGS` with
`fcap -r F FLAGS` on ARP, ICMP/ICMPv6, TCP, UDP, DNS, DHCP and NTP packets.
The shared captures only hold what some network happened to send; this script
builds the rest from the RFCs: every DNS RR type we know and some we do not,
compression pointers, EDNS options, BOOTP/DHCP options, NTP modes, ICMP errors
quoting IP, ICMPv6 neighbour discovery and MLD, every TCP option (well and badly
formed), ARP on other hardware, IPv4 options and fragments, IPv6 extension
headers, over several link types, and then cuts some packets short (a snap
length) or flips a byte, because that is where printers differ most.

  everyday-fuzz.py gen  --seed 1 --count 2000 DIR     # write DIR/*.pcap
  everyday-fuzz.py check --seed 1 --count 300 --fcap build/bin/fcap
      # generate into a temporary folder, run both programs under the seven flag
      # sets, print the differing lines and each set's identical share; exit 1
      # when a share is below --min-identical (default 100), 77 without tcpdump

  everyday-fuzz.py check --seed 1 --flags='-n -v -K' DIR   # other flag sets; keep the files
  ../shared/tools/decode-check --fcap build/bin/fcap --everyday DIR   # the shared tool's view

Packets are paired by time stamp, so a packet one program prints over more
lines does not shift the rest.  The shares count every generated packet,
including the protocols outside the everyday families that random ports and
payloads reach (BGP, TFTP, DHCPv6, GRE...); decode-check --everyday leaves
those out.  Only the struct module: no scapy.
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

FLAG_SETS = ["-n", "-n -e", "-n -v", "-n -x", "-n -X", "-q -n", "-n -tttt"]

# ---------------------------------------------------------------------------
# Checksums and addresses


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def cksum(data):
    return (~ones_sum(data)) & 0xFFFF


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    # -- small helpers -----------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def rbytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    def ip4(self):
        return self.r.choice([bytes([10, 0, 0, self.r.randint(1, 254)]), bytes([192, 168, 1, self.r.randint(1, 254)]),
                              self.rbytes(4), bytes([224, 0, 0, 251]), bytes([255, 255, 255, 255]), bytes(4)])

    def ip6(self):
        c = self.r.randint(0, 5)
        if c == 0:
            return bytes.fromhex("fe80000000000000") + self.rbytes(8)
        if c == 1:
            return bytes.fromhex("ff020000000000000000000000000001")
        if c == 2:
            return bytes.fromhex("ff0200000000000000000001ff") + self.rbytes(3)
        if c == 3:
            return bytes.fromhex("20010db8") + bytes(10) + self.rbytes(2)
        if c == 4:
            return bytes(15) + b"\1"
        return self.rbytes(16)

    def mac(self):
        return self.r.choice([self.rbytes(6), b"\xff" * 6, bytes.fromhex("01005e0000fb"), bytes.fromhex("333300000001"),
                              bytes.fromhex("00163e") + self.rbytes(3)])

    # -- DNS ---------------------------------------------------------------
    LABELS = [b"www", b"example", b"com", b"org", b"a", b"local", b"_http", b"_tcp", b"in-addr", b"arpa", b"mail",
              b"ns1", b"x" * 63, b"with space", b"dot.inside", b"\x01\xff", b"_sip", b"_udp", b"ip6", b"1", b"168"]

    def dns_name(self, msg, names):
        """A name, sometimes ending in a pointer to one already in `msg`."""
        if names and self.chance(0.4):
            return struct.pack("!H", 0xC000 | self.r.choice(names))
        if self.chance(0.05):
            return b"\0"
        out = b""
        for _ in range(self.r.randint(1, 4)):
            label = self.r.choice(self.LABELS)
            out += bytes([len(label)]) + label
        if names and self.chance(0.3):
            return out + struct.pack("!H", 0xC000 | self.r.choice(names))
        if self.chance(0.02):
            return out + b"\x80"  # an EDNS0 extended label type, or garbage
        if self.chance(0.02):
            return out + b"\xc0\xff"  # a pointer forward/out of range
        return out + b"\0"

    RR_TYPES = [1, 2, 5, 6, 12, 13, 15, 16, 17, 18, 24, 25, 28, 29, 33, 35, 38, 39, 41, 43, 44, 45, 46, 47, 48, 50, 51,
                52, 59, 64, 65, 99, 249, 250, 251, 252, 253, 254, 255, 256, 257, 32768, 32769, 65280, 777]

    def rdata(self, rtype, msg, names):
        r = self.r
        if rtype == 1:
            return self.rbytes(4) if self.chance(0.95) else self.rbytes(r.randint(0, 6))
        if rtype == 28:
            return self.rbytes(16) if self.chance(0.95) else self.rbytes(r.randint(0, 18))
        if rtype in (2, 5, 12, 39):
            return self.dns_name(msg, names)
        if rtype == 15:
            return struct.pack("!H", r.randint(0, 50)) + self.dns_name(msg, names)
        if rtype == 6:
            return self.dns_name(msg, names) + self.dns_name(msg, names) + struct.pack(
                "!5I", *(r.getrandbits(32) for _ in range(5)))
        if rtype == 16:
            out = b""
            for _ in range(r.randint(0, 3)):
                t = self.r.choice([b"v=spf1 -all", b"", b"hello \"world\"", b"x" * 40, self.rbytes(5)])
                out += bytes([len(t)]) + t
            return out
        if rtype == 33:
            return struct.pack("!3H", r.randint(0, 20), r.randint(0, 100), r.choice([80, 443, 5060, 0])) + \
                self.dns_name(msg, names)
        if rtype == 13:
            a, b = b"x86", b"Linux"
            return bytes([len(a)]) + a + bytes([len(b)]) + b
        if rtype == 41:
            out = b""
            for _ in range(r.randint(0, 3)):
                code = r.choice([3, 8, 10, 12, 5, 6, 7, 9, 11, 13, 14, 15, 65001, 20])
                if code == 8:
                    fam = r.choice([1, 2])
                    data = struct.pack("!HBB", fam, 24, 0) + self.rbytes(3)
                elif code == 10:
                    data = self.rbytes(r.choice([8, 16, 24]))
                elif code == 11:
                    data = struct.pack("!H", r.randint(0, 600))
                elif code == 12:
                    data = bytes(r.randint(0, 20))
                elif code == 15:
                    data = struct.pack("!H", r.randint(0, 24)) + b"text"
                else:
                    data = self.rbytes(r.randint(0, 6))
                out += struct.pack("!HH", code, len(data)) + data
            return out
        if rtype in (43, 59):  # DS, CDS
            return struct.pack("!HBB", r.getrandbits(16), 8, 2) + self.rbytes(32)
        if rtype in (48, 25, 60):  # DNSKEY, KEY
            return struct.pack("!HBB", 257, 3, 8) + self.rbytes(r.randint(0, 40))
        if rtype in (46, 24):  # RRSIG, SIG
            return struct.pack("!HBBIIIH", 1, 8, 2, 3600, 1700000000, 1690000000, 1234) + \
                self.dns_name(msg, names) + self.rbytes(r.randint(0, 30))
        if rtype == 47:  # NSEC
            return self.dns_name(msg, names) + b"\0\x06\x40\x01\0\0\0\x03"
        if rtype == 50:
            return struct.pack("!BBH", 1, 0, 10) + b"\x04" + self.rbytes(4) + b"\x14" + self.rbytes(20) + b"\0\x01\x40"
        if rtype == 35:  # NAPTR
            return struct.pack("!HH", 100, 10) + b"\x01U\x07E2U+sip\x00" + self.dns_name(msg, names)
        if rtype == 29:
            return self.rbytes(16)
        if rtype == 38:  # A6
            pl = r.randint(0, 128)
            return bytes([pl]) + self.rbytes((128 - pl + 7) // 8) + (self.dns_name(msg, names) if pl else b"")
        if rtype == 64 or rtype == 65:
            return struct.pack("!H", r.randint(0, 2)) + self.dns_name(msg, names) + b"\0\x01\0\x03\x02h2"
        if rtype == 257:
            return b"\0\x05issue" + b"letsencrypt.org"
        return self.rbytes(r.randint(0, 20))

    def dns(self, mdns=False):
        r = self.r
        qr = r.getrandbits(1)
        opcode = r.choice([0, 0, 0, 1, 2, 4, 5, 6, 9])
        flags = qr << 15 | opcode << 11 | r.getrandbits(1) << 10 | r.getrandbits(1) << 9 | r.getrandbits(1) << 8
        flags |= r.getrandbits(1) << 7 | (r.getrandbits(3) << 4 if self.chance(0.2) else 0)
        flags |= r.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 15]) if qr else 0
        counts = [r.choice([0, 1, 1, 1, 2]), 0, 0, 0]
        if qr:
            counts[1] = r.randint(0, 5)
            counts[2] = r.randint(0, 2)
        counts[3] = r.choice([0, 0, 1, 2])
        ident = 0 if mdns else r.getrandbits(16)
        msg = struct.pack("!6H", ident, flags, *counts)
        names = []
        for _ in range(counts[0]):
            names.append(len(msg))
            qclass = r.choice([1, 1, 1, 3, 4, 254, 255, 0x8001 if mdns else 1])
            msg += self.dns_name(msg, names[:-1]) + struct.pack("!HH", r.choice(self.RR_TYPES), qclass)
        for section in range(1, 4):
            for _ in range(counts[section]):
                start = len(msg)
                if section == 3 and self.chance(0.6):
                    rtype = 41
                    name = b"\0"
                    rclass = r.choice([512, 1232, 4096])
                    ttl = r.choice([0, 0x8000, 0x01000000, 0x00008000 | (r.getrandbits(7) << 24)])
                else:
                    rtype = r.choice(self.RR_TYPES)
                    name = self.dns_name(msg, names)
                    rclass = r.choice([1, 1, 3, 255, 0x8001])
                    ttl = r.choice([0, 60, 3600, 86400, 0xFFFFFFFF, r.getrandbits(31)])
                rd = self.rdata(rtype, msg + name + bytes(10), names)
                rdlen = len(rd) if self.chance(0.95) else r.randint(0, len(rd) + 4)
                msg += name + struct.pack("!HHIH", rtype, rclass, ttl, rdlen) + rd
                names.append(start)
        if self.chance(0.08):
            msg = msg[:r.randint(2, len(msg))]  # a message shorter than its counts say
        return msg

    # -- BOOTP / DHCP --------------------------------------------------------
    def dhcp(self):
        r = self.r
        op = r.choice([1, 2])
        htype, hlen = r.choice([(1, 6), (1, 6), (6, 6), (32, 16), (1, 0), (1, 20)])
        flags = r.choice([0, 0x8000, 0x0001])
        chaddr = self.rbytes(16)
        sname = bytes(64) if self.chance(0.8) else (b"server.example" + bytes(50))
        file = bytes(128) if self.chance(0.8) else (b"pxelinux.0" + bytes(118))
        msg = struct.pack("!BBBBIHH", op, htype, hlen, r.randint(0, 3), r.getrandbits(32), r.choice([0, 3, 300]),
                          flags)
        msg += self.ip4() + self.ip4() + self.ip4() + self.ip4() + chaddr + sname + file
        if self.chance(0.1):
            return msg + self.rbytes(r.randint(0, 64))  # plain BOOTP vendor area
        msg += b"\x63\x82\x53\x63"
        opts = b""
        opts += b"\x35\x01" + bytes([r.randint(1, 18)])
        for _ in range(r.randint(0, 12)):
            code = r.choice([1, 3, 6, 12, 15, 28, 42, 43, 50, 51, 53, 54, 55, 57, 58, 59, 60, 61, 66, 67, 81, 82, 119,
                             121, 249, 252, 2, 4, 7, 19, 23, 26, 33, 44, 46, 69, 77, 93, 94, 97, 116, 125, 145, 150,
                             200, 224, 0, 99, 108, 114, 118, 80, 90, 91, 120, 17, 13, 24])
            if code == 0:
                opts += b"\0"
                continue
            if code in (1, 28, 50, 54, 3, 6, 42, 44, 4, 7, 69, 150, 118):
                data = b"".join(self.ip4() for _ in range(r.choice([1, 1, 2, 3])))
            elif code in (51, 58, 59, 2, 24):
                data = struct.pack("!I", r.getrandbits(32))
            elif code in (57, 13, 26, 22):
                data = struct.pack("!H", r.randint(0, 1500))
            elif code == 55:
                data = bytes(r.randint(1, 255) for _ in range(r.randint(1, 15)))
            elif code == 61:
                data = bytes([r.choice([0, 1, 255])]) + self.rbytes(r.choice([6, 6, 3, 10]))
            elif code == 81:
                data = bytes([r.randint(0, 15), 0, 0]) + b"host.example"
            elif code == 82:
                data = b""
                for _ in range(r.randint(1, 3)):
                    sub = self.rbytes(r.randint(0, 8))
                    data += bytes([r.choice([1, 2, 5, 9, 150, 151]), len(sub)]) + sub
            elif code == 119:
                data = b"\x07example\x03com\x00\x03sub\xc0\x00"
            elif code == 121 or code == 249:
                data = bytes([24, 10, 0, 1]) + self.ip4() + bytes([0]) + self.ip4()
                if self.chance(0.2):
                    data = data[:-1]
            elif code in (19, 46, 23, 116):
                data = bytes([r.randint(0, 255)])
            elif code == 33:
                data = self.ip4() + self.ip4()
            elif code in (12, 15, 60, 66, 67, 252, 114, 17, 43, 77, 125):
                data = r.choice([b"host", b"example.com", b"PXEClient:Arch:00000", b"MSFT 5.0", b"udhcp 1.30",
                                 b"http://wpad/wpad.dat\0", self.rbytes(4), b""])
            elif code == 93:
                data = struct.pack("!H", r.randint(0, 10))
            elif code == 94:
                data = b"\x01\x02\x01"
            elif code == 97:
                data = b"\0" + self.rbytes(16)
            elif code == 145:
                data = b"\x01"
            elif code == 80:
                data = b""
            elif code == 90:
                data = b"\x01\x01\x00" + self.rbytes(8) + self.rbytes(r.choice([0, 16]))
            elif code == 91:
                data = struct.pack("!I", r.getrandbits(32))
            elif code == 120:
                data = r.choice([b"\x01" + self.rbytes(8), b"\x00\x07example\x03com\x00", b"\x02"])
            else:
                data = self.rbytes(r.randint(0, 10))
            if self.chance(0.03):
                data = data[:max(0, len(data) - 1)]
            opts += bytes([code, len(data)]) + data
        if self.chance(0.9):
            opts += b"\xff"
        if self.chance(0.5):
            opts += bytes(r.randint(0, 60))
        return msg + opts

    def dhcp6(self):
        r = self.r
        mtype = r.randint(1, 13)
        msg = bytes([mtype]) + self.rbytes(3)
        if mtype in (12, 13):
            msg = bytes([mtype, r.randint(0, 3)]) + self.rbytes(16) + self.rbytes(16)
        for _ in range(r.randint(0, 5)):
            code = r.choice([1, 2, 3, 5, 6, 8, 14, 23, 24, 25, 39, 16, 17, 15, 13, 7, 9, 21, 22, 31, 82, 99])
            if code in (1, 2):
                data = struct.pack("!HH", 1, 1) + struct.pack("!I", r.getrandbits(32)) + self.rbytes(6)
            elif code == 3:
                data = struct.pack("!III", r.getrandbits(32), 3600, 5400)
            elif code == 6:
                data = struct.pack("!HHH", 23, 24, 39)
            elif code == 8:
                data = struct.pack("!H", r.randint(0, 1000))
            elif code == 23:
                data = self.ip6()
            elif code == 13:
                data = struct.pack("!H", r.randint(0, 6)) + b"status"
            elif code == 7:
                data = bytes([r.randint(0, 255)])
            else:
                data = self.rbytes(r.randint(0, 12))
            msg += struct.pack("!HH", code, len(data)) + data
        return msg

    # -- NTP -----------------------------------------------------------------
    def ntp(self):
        r = self.r
        mode = r.choice([1, 2, 3, 4, 5, 6, 7, 0])
        li, vn = r.randint(0, 3), r.choice([1, 2, 3, 4, 4, 4])
        first = li << 6 | vn << 3 | mode
        if mode == 6:
            flags = r.getrandbits(8) & 0xDF
            data = self.rbytes(r.choice([0, 4, 12]))
            return struct.pack("!BBHHHHH", first, flags, r.getrandbits(16), r.getrandbits(16), r.getrandbits(16),
                               r.getrandbits(16), len(data)) + data
        if mode == 7:
            return bytes([first]) + self.rbytes(r.randint(3, 40))
        stratum = r.choice([0, 1, 2, 3, 15, 16, 200])
        if stratum <= 1:
            refid = r.choice([b"GPS\0", b"LOCL", b"PPS\0", b"INIT", b"RATE", self.rbytes(4)])
        else:
            refid = self.ip4()
        ts = [struct.pack("!II", r.getrandbits(32), r.getrandbits(32)) if self.chance(0.8) else bytes(8)
              for _ in range(4)]
        msg = struct.pack("!BBbb", first, stratum, r.randint(0, 17), r.randint(-30, 0)) + \
            struct.pack("!II", r.getrandbits(20), r.getrandbits(20)) + refid + b"".join(ts)
        if self.chance(0.2):
            msg += struct.pack("!I", r.getrandbits(32)) + self.rbytes(r.choice([16, 20]))
        if self.chance(0.05):
            msg += self.rbytes(r.randint(1, 8))
        return msg

    # -- transports ------------------------------------------------------------
    def port_payload(self):
        """A UDP (port, payload) pair of some everyday application."""
        r = self.r
        kind = r.choice(["dns", "dns", "mdns", "llmnr", "dhcp", "dhcp", "ntp", "ntp", "dhcp6", "random", "random"])
        if kind == "dns":
            return 53, self.dns()
        if kind == "mdns":
            return 5353, self.dns(mdns=True)
        if kind == "llmnr":
            return 5355, self.dns()
        if kind == "dhcp":
            return r.choice([67, 68]), self.dhcp()
        if kind == "ntp":
            return 123, self.ntp()
        if kind == "dhcp6":
            return r.choice([546, 547]), self.dhcp6()
        return r.choice([r.randint(1, 65535), 9, 7, 19, 1900, 514, 161, 69, 137, 5060, 443, 4789, 0]), \
            self.rbytes(r.randint(0, 60))

    def udp(self, src, dst, v6):
        r = self.r
        port, payload = self.port_payload()
        other = r.choice([r.randint(1024, 65535), port, 53, 123, 67, 68])
        sport, dport = (other, port) if self.chance(0.5) else (port, other)
        length = 8 + len(payload)
        if self.chance(0.04):
            length = r.choice([0, 4, length + 10, length - 3])
        hdr = struct.pack("!HHHH", sport, dport, length & 0xFFFF, 0)
        return self.l4_checksum(hdr + payload, 17, src, dst, v6, 6, allow_zero=not v6)

    def l4_checksum(self, seg, proto, src, dst, v6, at, allow_zero=False):
        if allow_zero and self.chance(0.1):
            return seg
        if v6:
            pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
        else:
            pseudo = src + dst + struct.pack("!xBH", proto, len(seg))
        c = cksum(pseudo + seg)
        if proto == 17 and c == 0:
            c = 0xFFFF
        if self.chance(0.08):
            c ^= 0x1234
        return seg[:at] + struct.pack("!H", c) + seg[at + 2:]

    def tcp_options(self):
        r = self.r
        out = b""
        for _ in range(r.randint(0, 6)):
            k = r.choice(["mss", "ws", "sackok", "sack", "ts", "nop", "eol", "md5", "tfo", "mptcp", "unknown", "bad",
                          "ao", "exp"])
            if k == "mss":
                out += b"\x02\x04" + struct.pack("!H", r.choice([1460, 536, 1400, 65495]))
            elif k == "ws":
                out += b"\x03\x03" + bytes([r.randint(0, 15)])
            elif k == "sackok":
                out += b"\x04\x02"
            elif k == "sack":
                n = r.randint(1, 3)
                out += bytes([5, 2 + 8 * n]) + b"".join(struct.pack("!II", r.getrandbits(32), r.getrandbits(32))
                                                       for _ in range(n))
            elif k == "ts":
                out += b"\x08\x0a" + struct.pack("!II", r.getrandbits(32), r.choice([0, r.getrandbits(32)]))
            elif k == "nop":
                out += b"\x01"
            elif k == "eol":
                out += b"\x00"
            elif k == "md5":
                out += b"\x13\x12" + self.rbytes(16)
            elif k == "ao":
                out += b"\x1d" + bytes([4 + 12]) + bytes([r.randint(0, 255), r.randint(0, 255)]) + self.rbytes(12)
            elif k == "tfo":
                c = self.rbytes(r.choice([0, 4, 8, 16]))
                out += bytes([34, 2 + len(c)]) + c
            elif k == "exp":
                c = struct.pack("!H", 0xF989) + self.rbytes(r.choice([0, 4, 8]))
                out += bytes([254, 2 + len(c)]) + c
            elif k == "mptcp":
                sub = r.randint(0, 8)
                body = bytes([sub << 4 | r.randint(0, 15)])
                if sub == 0:
                    body += bytes([r.getrandbits(8)]) + self.rbytes(r.choice([0, 8, 16]))
                elif sub == 1:
                    body += bytes([r.randint(0, 255)]) + self.rbytes(r.choice([4, 8, 20, 0]))
                elif sub == 2:
                    body += bytes([r.getrandbits(8) & 0x1f]) + self.rbytes(r.choice([0, 4, 8, 10, 14, 16, 18, 20]))
                elif sub == 3:
                    body += bytes([r.randint(0, 255)]) + self.rbytes(r.choice([4, 6, 16, 18, 12, 24]))
                else:
                    body += self.rbytes(r.randint(0, 10))
                out += bytes([30, 2 + len(body)]) + body
            elif k == "unknown":
                d = self.rbytes(r.randint(0, 6))
                out += bytes([r.choice([6, 7, 9, 14, 15, 27, 28, 99, 200, 253]), 2 + len(d)]) + d
            else:
                out += bytes([r.choice([2, 3, 5, 8, 30, 34]), r.choice([0, 1, 3, 5, 40])]) + self.rbytes(3)
        if len(out) > 40:
            out = out[:40]
        out += bytes((-len(out)) % 4)
        return out

    def tcp(self, src, dst, v6):
        r = self.r
        opts = self.tcp_options() if self.chance(0.6) else b""
        sport = r.choice([r.randint(1, 65535), 80, 443, 22, 53, 179, 25])
        dport = r.choice([r.randint(1, 65535), 80, 443, 22, 53, 8080, 23])
        flags = r.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x19, r.getrandbits(8), r.getrandbits(12),
                          0x29, 0xC2, 0x00])
        payload = b""
        if self.chance(0.4):
            payload = r.choice([self.rbytes(r.randint(1, 80)), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                                b"\x00\x1c" + self.dns() if True else b""])
        doff = (20 + len(opts)) // 4
        if self.chance(0.03):
            doff = r.choice([0, 2, 4, 15])
        hdr = struct.pack("!HHIIBBHHH", sport, dport, r.getrandbits(32), r.choice([0, r.getrandbits(32)]),
                          doff << 4 | (flags >> 8 & 0xF), flags & 0xFF, r.choice([0, 512, 65535, 29200]), 0,
                          r.choice([0, 0, 0, r.getrandbits(16)]))
        return self.l4_checksum(hdr + opts + payload, 6, src, dst, v6, 16)

    def icmp(self, src, dst):
        r = self.r
        t = r.choice([0, 8, 3, 3, 11, 5, 4, 12, 13, 14, 15, 16, 17, 18, 9, 10, 1, 2, 6, 30, 40, 42, 43, 250])
        code = r.randint(0, 15) if t in (3, 5, 11, 12, 40) else (r.choice([0, 0, 1]) if t != 9 else r.choice([0, 16]))
        body = b""
        rest = struct.pack("!HH", r.getrandbits(16), r.getrandbits(16))
        if t in (0, 8, 42, 43):
            body = self.rbytes(r.choice([0, 8, 48, 56]))
        elif t in (3, 11, 4, 12, 5):
            if t == 5:
                rest = self.ip4()
            elif t == 3 and code == 4:
                rest = struct.pack("!HH", 0, r.choice([1400, 576, 0]))
            elif t == 12:
                rest = bytes([r.randint(0, 40)]) + bytes(3)
            inner_proto = r.choice([6, 17, 1, 47, 132])
            isrc, idst = self.ip4(), self.ip4()
            if inner_proto == 17:
                inner = self.udp(isrc, idst, False)
            elif inner_proto == 6:
                inner = self.tcp(isrc, idst, False)
            elif inner_proto == 1:
                inner = struct.pack("!BBHHH", 8, 0, 0, r.getrandbits(16), r.getrandbits(16)) + self.rbytes(8)
            else:
                inner = self.rbytes(12)
            ip = self.ipv4(isrc, idst, inner_proto, inner, allow_frag=False)
            body = ip[:r.choice([28, len(ip), 20 + 8, 48, 24])] if self.chance(0.8) else ip
        elif t in (13, 14):
            body = struct.pack("!III", r.getrandbits(32), r.getrandbits(32), r.getrandbits(32))
        elif t in (17, 18):
            body = self.rbytes(4)
        elif t == 9:
            n = r.randint(0, 3)
            rest = bytes([n, 2]) + struct.pack("!H", r.choice([1800, 600]))
            body = b"".join(self.ip4() + struct.pack("!i", r.randint(-5, 100)) for _ in range(n))
        else:
            body = self.rbytes(r.randint(0, 12))
        msg = bytes([t, code]) + b"\0\0" + rest + body
        c = cksum(msg)
        if self.chance(0.08):
            c ^= 0x55
        return msg[:2] + struct.pack("!H", c) + msg[4:]

    def nd_options(self):
        r = self.r
        out = b""
        for _ in range(r.randint(0, 4)):
            t = r.choice([1, 2, 3, 4, 5, 5, 24, 25, 31, 14, 99, 0])
            if t in (1, 2):
                out += bytes([t, 1]) + self.mac()
            elif t == 3:
                out += bytes([3, 4, r.randint(0, 128), r.getrandbits(8)]) + struct.pack("!III", 86400, 14400, 0) + \
                    self.ip6()
            elif t == 5:
                out += bytes([5, 1, 0, 0]) + struct.pack("!I", r.choice([1500, 9000]))
            elif t == 25:
                out += bytes([25, 3, 0, 0]) + struct.pack("!I", 3600) + self.ip6()
            elif t == 24:
                out += bytes([24, 2, r.randint(0, 64), r.getrandbits(8)]) + struct.pack("!I", 1800) + self.rbytes(8)
            elif t == 31:
                out += bytes([31, 3, 0, 0]) + struct.pack("!I", 600) + b"\x07example\x03com\x00" + bytes(3)
            elif t == 0:
                out += b"\x01\x00" + self.rbytes(6)
            else:
                out += bytes([t, 1]) + self.rbytes(6)
        return out

    def icmp6(self, src, dst):
        r = self.r
        t = r.choice([128, 129, 133, 134, 135, 136, 137, 1, 2, 3, 4, 130, 131, 132, 143, 139, 140, 200, 100, 141, 142,
                      144, 145, 146, 147, 151, 152, 153])
        code = r.choice([0, 0, 0, 1, 2, 3, 4, 5, 6])
        if t == 128 or t == 129:
            body = struct.pack("!HH", r.getrandbits(16), r.getrandbits(16)) + self.rbytes(r.choice([0, 8, 56]))
        elif t == 133:
            body = bytes(4) + self.nd_options()
        elif t == 134:
            body = struct.pack("!BBHII", r.choice([64, 255, 0]), r.getrandbits(8), r.choice([1800, 0, 9000]),
                               r.getrandbits(16), r.getrandbits(12)) + self.nd_options()
        elif t in (135, 136):
            body = bytes([r.getrandbits(3) << 5]) + bytes(3) + self.ip6() + self.nd_options()
        elif t == 137:
            body = bytes(4) + self.ip6() + self.ip6() + self.nd_options()
        elif t in (1, 2, 3, 4):
            rest = struct.pack("!I", r.choice([1280, 1500, 0, 40])) if t in (2, 4) else bytes(4)
            isrc, idst = self.ip6(), self.ip6()
            inner = self.ipv6(isrc, idst, r.choice([17, 6, 58]), None)
            body = rest + inner[:r.choice([len(inner), 48, 40, 60])]
        elif t in (130, 131, 132):
            body = struct.pack("!HH", r.choice([10000, 0, 1000]), 0) + self.ip6()
            if t == 130 and self.chance(0.5):
                srcs = [self.ip6() for _ in range(r.randint(0, 2))]
                body += struct.pack("!BBH", r.getrandbits(4), r.randint(0, 125), len(srcs)) + b"".join(srcs)
        elif t == 143:
            recs = b""
            n = r.randint(0, 3)
            for _ in range(n):
                srcs = [self.ip6() for _ in range(r.randint(0, 2))]
                recs += struct.pack("!BBH", r.randint(1, 6), 0, len(srcs)) + self.ip6() + b"".join(srcs)
            body = struct.pack("!HH", 0, n) + recs
        elif t in (139, 140):
            body = struct.pack("!HH", r.randint(0, 4), r.getrandbits(16)) + self.rbytes(8) + \
                r.choice([self.ip6(), self.rbytes(4), b"\x03www\x00"])
        else:
            body = self.rbytes(r.randint(0, 24))
        return bytes([t, code]) + b"\0\0" + body  # checksum filled by ipv6()

    def arp(self):
        r = self.r
        hrd, hln = r.choice([(1, 6), (1, 6), (1, 6), (6, 6), (15, 8), (32, 20), (16, 3), (1, 8), (0x1234, 6)])
        pro, pln = r.choice([(0x0800, 4), (0x0800, 4), (0x86DD, 16), (0x0800, 6), (0x1234, 4)])
        op = r.choice([1, 2, 1, 2, 3, 4, 8, 9, 10, 5])
        sha, tha = self.rbytes(hln), (bytes(hln) if self.chance(0.5) else self.rbytes(hln))
        spa = self.ip4() if pln == 4 else self.rbytes(pln)
        tpa = spa if self.chance(0.1) else (self.ip4() if pln == 4 else self.rbytes(pln))
        msg = struct.pack("!HHBBH", hrd, pro, hln, pln, op) + sha + spa + tha + tpa
        if self.chance(0.3):
            msg += bytes(18)
        return msg

    # -- network layer -----------------------------------------------------------
    def ipv4_options(self):
        r = self.r
        out = b""
        for _ in range(r.randint(1, 3)):
            k = r.choice(["rr", "ts", "ra", "nop", "eol", "lsrr", "sec", "bad", "unknown"])
            if k == "rr" or k == "lsrr":
                n = r.randint(1, 3)
                out += bytes([7 if k == "rr" else 131, 3 + 4 * n, 4]) + b"".join(self.ip4() for _ in range(n))
            elif k == "ts":
                out += bytes([68, 12, 5, r.choice([0, 1, 3])]) + self.rbytes(8)
            elif k == "ra":
                out += b"\x94\x04\x00\x00"
            elif k == "nop":
                out += b"\x01"
            elif k == "eol":
                out += b"\x00"
            elif k == "sec":
                out += b"\x82\x0b" + self.rbytes(9)
            elif k == "bad":
                out += bytes([r.choice([7, 68, 148]), r.choice([0, 1, 2, 50])])
            else:
                d = self.rbytes(r.randint(0, 4))
                out += bytes([r.choice([25, 30, 158, 222]), 2 + len(d)]) + d
        out = out[:40]
        return out + bytes((-len(out)) % 4)

    def ipv4(self, src, dst, proto, payload, allow_frag=True):
        r = self.r
        opts = self.ipv4_options() if self.chance(0.1) else b""
        ihl = 5 + len(opts) // 4
        if self.chance(0.02):
            ihl = r.choice([0, 3, 4, 15])
        tos = r.choice([0, 0, 0, 0x10, 0xB8, 0x03, 0x02, 0xFF])
        flags_frag = r.choice([0, 0x4000, 0x4000])
        if allow_frag and self.chance(0.06):
            flags_frag = r.choice([0x2000, 0x2000 | r.randint(1, 100), r.randint(1, 200), 0x8000])
        total = 20 + len(opts) + len(payload)
        if self.chance(0.03):
            total = r.choice([total + 20, total - 4, 10, 0])
        ttl = r.choice([64, 128, 255, 1, 0])
        hdr = struct.pack("!BBHHHBBH", 4 << 4 | ihl, tos, total & 0xFFFF, r.getrandbits(16), flags_frag, ttl, proto,
                          0) + src + dst + opts
        c = cksum(hdr)
        if self.chance(0.05):
            c ^= 0x0101
        return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload

    def ipv6_ext(self, nxt):
        """Extension headers before `nxt`: (first next-header value, bytes)."""
        r = self.r
        chain = []
        for _ in range(r.randint(0, 2)):
            chain.append(r.choice([0, 43, 44, 60]))
        data = b""
        for i in reversed(range(len(chain))):
            kind = chain[i]
            after = chain[i + 1] if i + 1 < len(chain) else nxt
            if kind == 44:
                h = struct.pack("!BBHI", after, 0, r.choice([0, 1, 8 << 3, (8 << 3) | 1]), r.getrandbits(32))
            elif kind == 43:
                rtype = r.choice([0, 2, 4])
                if rtype == 4:
                    body = bytes([0, 0, 0, 0]) + self.ip6()
                    h = struct.pack("!BBBB", after, 2, 4, 0) + body
                else:
                    n = 1
                    h = struct.pack("!BBBBI", after, 2 * n, rtype, n, 0) + b"".join(self.ip6() for _ in range(n))
            else:
                opt = r.choice([b"\x05\x02\x00\x00", b"\xc2\x04\x00\x01\x00\x00", b"\x01\x02\x00\x00",
                                b"\x00\x00\x00\x00", b"\x1e\x02\x00\x00"])
                body = opt + bytes((-(2 + len(opt))) % 8)
                h = struct.pack("!BB", after, (2 + len(body)) // 8 - 1) + body
            data = h + data
        return (chain[0] if chain else nxt), data

    def ipv6(self, src, dst, proto, payload):
        r = self.r
        if payload is None:
            payload = self.transport(proto, src, dst, True)
        first, ext = self.ipv6_ext(proto) if self.chance(0.25) else (proto, b"")
        if proto == 58:
            pseudo = src + dst + struct.pack("!IxxxB", len(payload), 58)
            c = cksum(pseudo + payload)
            if self.chance(0.08):
                c ^= 0x77
            payload = payload[:2] + struct.pack("!H", c) + payload[4:]
        plen = len(ext) + len(payload)
        if self.chance(0.02):
            plen = r.choice([0, plen + 8, plen - 2])
        hlim = r.choice([64, 255, 1, 128])
        flow = r.choice([0, 0, r.getrandbits(20)])
        tc = r.choice([0, 0, 0xB8])
        return struct.pack("!IHBB", 6 << 28 | tc << 20 | flow, plen & 0xFFFF, first, hlim) + src + dst + ext + payload

    def transport(self, proto, src, dst, v6):
        if proto == 17:
            return self.udp(src, dst, v6)
        if proto == 6:
            return self.tcp(src, dst, v6)
        if proto == 1:
            return self.icmp(src, dst)
        if proto == 58:
            return self.icmp6(src, dst)
        return self.rbytes(8)

    def network(self):
        """(ethertype, bytes) of one everyday packet."""
        r = self.r
        c = r.random()
        if c < 0.1:
            return 0x0806 if self.chance(0.9) else 0x8035, self.arp()
        if c < 0.6:
            src, dst = self.ip4(), self.ip4()
            proto = r.choice([17, 17, 17, 6, 6, 1, 1])
            return 0x0800, self.ipv4(src, dst, proto, self.transport(proto, src, dst, False))
        src, dst = self.ip6(), self.ip6()
        proto = r.choice([17, 17, 6, 58, 58, 58])
        return 0x86DD, self.ipv6(src, dst, proto, None)


# ---------------------------------------------------------------------------
# Link layers: one framing function per pcap link type.


def frame_ethernet(g, etype, net):
    hdr = g.mac() + g.mac()
    if g.chance(0.15):
        hdr += struct.pack("!HH", 0x8100, g.r.getrandbits(16))
        if g.chance(0.3):
            hdr = hdr[:12] + struct.pack("!HH", 0x88A8, g.r.getrandbits(16)) + hdr[12:]
    return hdr + struct.pack("!H", etype) + net


def frame_cooked(g, etype, net):
    return struct.pack("!HHH", g.r.choice([0, 1, 2, 3, 4]), 1, 6) + g.mac() + b"\0\0" + struct.pack("!H", etype) + net


def frame_cooked2(g, etype, net):
    return struct.pack("!HHIHBB", etype, 0, g.r.randint(1, 20), 1, g.r.choice([0, 1, 2, 3, 4]), 6) + g.mac() + \
        b"\0\0" + net


def frame_raw(g, etype, net):
    return net


def frame_null(g, etype, net):
    family = 2 if etype == 0x0800 else g.r.choice([24, 28, 30])
    return struct.pack("<I", family) + net


def frame_loop(g, etype, net):
    family = 2 if etype == 0x0800 else g.r.choice([24, 28, 30])
    return struct.pack("!I", family) + net


# (file name, link type, framing, families it carries: "ip" for IPv4/IPv6 only)
LINKS = [
    ("ethernet", 1, frame_ethernet, "all"),
    ("cooked", 113, frame_cooked, "all"),
    ("cooked2", 276, frame_cooked2, "all"),
    ("raw", 101, frame_raw, "ip"),
    ("raw12", 12, frame_raw, "ip"),
    ("ipv4", 228, frame_raw, "ip4"),
    ("ipv6", 229, frame_raw, "ip6"),
    ("null", 0, frame_null, "ip"),
    ("loop", 108, frame_loop, "ip"),
]


def write_pcap(path, linktype, packets, snaplen=262144):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for ts, data, wirelen in packets:
            f.write(struct.pack("<IIII", int(ts), int(ts * 1e6) % 1000000, len(data), wirelen) + data)


def generate(seed, count, folder):
    rnd = random.Random(seed)
    g = Gen(rnd)
    os.makedirs(folder, exist_ok=True)
    paths = []
    per_link = max(1, count // len(LINKS))
    for name, linktype, frame, carries in LINKS:
        packets = []
        ts = 1700000000 + rnd.random() * 1e6
        while len(packets) < per_link:
            etype, net = g.network()
            if carries != "all" and etype not in (0x0800, 0x86DD):
                continue
            if carries == "ip4" and etype != 0x0800 or carries == "ip6" and etype != 0x86DD:
                continue
            data = frame(g, etype, net)
            wirelen = len(data)
            if g.chance(0.08):  # flip a byte somewhere past the link header
                at = rnd.randrange(len(data))
                data = data[:at] + bytes([rnd.getrandbits(8)]) + data[at + 1:]
            if g.chance(0.1):  # a snap length: the capture ends early
                data = data[:rnd.randint(1, len(data))]
            ts += rnd.random() * 2
            packets.append((ts, data, wirelen))
        path = os.path.join(folder, "everyday-%s.pcap" % name)
        write_pcap(path, linktype, packets)
        paths.append(path)
    return paths


def run_lines(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=dict(os.environ, TZ="UTC"),
                       timeout=120)
    return p.stdout.decode("utf-8", "replace").splitlines()


def packets(lines):
    """Lines grouped by packet: a packet's first line starts with its time."""
    out = []
    for line in lines:
        if out and line[:1] in ("\t", " "):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def stamp(line):
    """A packet's time stamp: its first word, two under -tttt (date and time)."""
    words = line.split(" ", 2)
    return " ".join(words[:2]) if "-" in words[0] else words[0]


def check(paths, fcap, tcpdump, show, floor, flag_sets):
    """Per flag set: the share of tcpdump's lines fcap prints the same, packet by packet."""
    failed = False
    for flags in flag_sets:
        same = total = 0
        shown = 0
        for path in paths:
            want = packets(run_lines([tcpdump, "-r", path] + flags.split()))
            got = packets(run_lines([fcap, "-r", path] + flags.split()))
            # Pair packets by their time stamps (unique in these files): a
            # packet one program splits over more lines shifts nothing.
            by_time = {stamp(p[0]): p for p in got}
            for n, w in enumerate(want):
                g = by_time.get(stamp(w[0]), [])
                total += len(w)
                for i, line in enumerate(w):
                    if i < len(g) and g[i] == line:
                        same += 1
                    elif shown < show:
                        shown += 1
                        print("%s %s packet %d\n  tcpdump: %s\n  fcap:    %s" %
                              (flags, os.path.basename(path), n + 1, line, g[i] if i < len(g) else "(none)"))
        share = 100.0 * same / total if total else 100.0
        print("%-10s %6.2f%% identical (%d of %d lines)" % (flags, share, same, total))
        failed |= share < floor
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["gen", "check"])
    ap.add_argument("folder", nargs="?")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--fcap", default="build/bin/fcap")
    ap.add_argument("--tcpdump", default=shutil.which("tcpdump") or "tcpdump")
    ap.add_argument("--show", type=int, default=20, help="differing lines to print per flag set")
    ap.add_argument("--flags", action="append", help="check: a flag set instead of the seven (repeatable)")
    ap.add_argument("--min-identical", type=float, default=100.0,
                    help="check: exit 1 when a flag set's identical share is below this percentage")
    args = ap.parse_intermixed_args()
    if args.mode == "gen":
        if not args.folder:
            ap.error("gen needs a folder")
        for p in generate(args.seed, args.count, args.folder):
            print(p)
        return 0
    if not shutil.which(args.tcpdump):
        print("everyday-fuzz: tcpdump not found, skipping")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(args.seed, args.count, args.folder or tmp)
        return 1 if check(paths, args.fcap, args.tcpdump, args.show, args.min_identical, args.flags or FLAG_SETS) else 0


if __name__ == "__main__":
    sys.exit(main())
