#!/usr/bin/env python3
"""Regenerate the seed corpora under tests/fuzz/corpus/ from the conformance
copies in tests/conformance/ (cases, oracle, handwritten, vectors).

    python3 tests/fuzz/make-corpus.py

cpulist:   2 bytes of width (little endian) + the vector's input text
bootparam: profile index, CPU count - 1, node layout, then the boot line's
           parameters joined by '\n'
scenario:  a selection of .scn files, as they are
"""
import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = os.path.join(HERE, '..', 'conformance')
OUT = os.path.join(HERE, 'corpus')
PROFILES = ['6.14', '6.15', '6.16', '6.17', '6.18', '6.19', '7.0', '7.1', '7.2', '7.3']


def unescape(s):
    return s.replace('\\t', '\t').replace('\\n', '\n').replace('\\\\', '\\')


def reset(name):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def cpulist():
    d = reset('cpulist')
    rows = []
    with open(os.path.join(CONF, 'vectors', 'cpulist.tsv'), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            inp, nbits, _ = line.split('\t')
            rows.append((unescape(inp), int(nbits)))
    # every third row, plus the first and last few: about 40 seeds
    pick = rows[:5] + rows[5:-5:3] + rows[-5:]
    for i, (inp, nbits) in enumerate(pick[:45]):
        with open(os.path.join(d, 'v%02d' % i), 'wb') as f:
            f.write(bytes([nbits & 0xff, nbits >> 8]) + inp.encode('latin-1'))


def scn_files(sub):
    d = os.path.join(CONF, sub)
    return sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith('.scn'))


def bootparam():
    d = reset('bootparam')
    n = 0
    for path in scn_files('cases') + scn_files('handwritten') + scn_files('oracle'):
        text = open(path, encoding='utf-8').read()
        params = [p for m in re.finditer(r'^boot\s+(.*)$', text, re.M)
                  for p in m.group(1).split('#')[0].split()]
        if not params:
            continue
        kernel = re.search(r'^kernel\s+(\S+)', text, re.M)
        cpus = re.search(r'^cpus\s+(\d+)', text, re.M)
        nodes = len(re.findall(r'^node\s', text, re.M))
        prof = PROFILES.index(kernel.group(1)) if kernel else 0
        head = bytes([prof, (int(cpus.group(1)) - 1) % 96 if cpus else 7, 1 if nodes > 1 else 0])
        with open(os.path.join(d, 'b%02d-%s' % (n, os.path.basename(path)[:-4])), 'wb') as f:
            f.write(head + '\n'.join(params).encode())
        n += 1
        if n == 30:
            break


def scenario():
    d = reset('scenario')
    paths = scn_files('cases')[::4] + scn_files('oracle')[::3] + scn_files('handwritten')[::6]
    for path in paths[:45]:
        shutil.copy(path, os.path.join(d, os.path.basename(path)))


cpulist()
bootparam()
scenario()
