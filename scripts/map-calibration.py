#!/usr/bin/env python3
"""Maps rows of ../shared/profiles (llm.csv, batched/llm-batched.csv, batched/llm-prefill.csv,
batched/split-multidevice.csv) onto catalog keys as `parasim calibrate` input tables in
scenarios/calibration/. Run from the repository root: python3 scripts/map-calibration.py
Every output row's `source` names the shared file and line; rows that cannot be expressed
(device or model not stated, VLM image prompts, context depth > 0, non-numeric batch) are listed
in scenarios/calibration/UNMAPPED.md with the reason. Nothing is tuned here: values are copied,
only unit conversions (per-GPU → aggregate, batch-total → per-sequence prompt) are DERIVED."""
import csv, os, re

SHARED = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'profiles')
if not os.path.isdir(SHARED):
    SHARED = '/work/shared/profiles'
OUT = os.path.join(os.path.dirname(__file__), '..', 'scenarios', 'calibration')
COLS = ['device_key', 'model_key', 'nodes', 'parallelism', 'link_key', 'batch', 'prompt_tokens', 'output_tokens',
        'prefill_tok_s', 'decode_tok_s', 'closed_loop', 'framework', 'ubatch', 'source']

def closed_loop(notes):
    """decode_tok_s is output tokens over whole requests (TTFT included), (vLLM bench serve, TRT-LLM offline) per the notes."""
    return 'true' if re.search(r'Output token throughput|output tok/s at concurrency|peak offline throughput|output tok/s PER GPU', notes, re.I) else ''

def framework(fw):
    """The serving framework of a row (calibrate's optional `framework` column): the software
    decides how far from the hardware's peak prefill and batched decode run. Forks and wrappers
    of llama.cpp (Ollama, llamafile, LM Studio, llama.cpp RPC) are llama.cpp; frameworks with
    too few rows to fit (distributed-llama, exo/MLX, TinyChat, HF transformers, TornadoVM) stay
    `generic`, the defaults fitted on every row."""
    if re.search(r'TensorRT|TRT', fw): return 'tensorrt-llm'
    if re.search(r'vLLM', fw, re.I): return 'vllm'
    if re.search(r'MLC', fw): return 'mlc'
    if re.search(r'llama\.cpp|llama-bench|llama-batched-bench|Ollama|llamafile|LM Studio', fw, re.I): return 'llama.cpp'
    return 'generic'

DEVICES = [  # (regex on the device column, key); first match wins
    (r'H100 SXM 80GB \(x2, TP2\)', 'h100-sxm-80gb-x2'), (r'A100 \(x4, TP4', 'a100-80gb-sxm-x4'),
    (r'Jetson AGX Thor', 'jetson-agx-thor-128gb'), (r'Orin Nano Super|JetPack 6\.2\.1 "Super"', 'jetson-orin-nano-super-8gb'),
    (r'Orin Nano 8GB \(original', 'jetson-orin-nano-8gb'), (r'Orin NX 8GB', 'jetson-orin-nx-8gb'),
    (r'Jetson AGX Orin 64GB|AGX Orin \(IGX Orin', 'jetson-agx-orin-64gb'),
    (r'RTX A6000', 'rtx-a6000'), (r'RTX 6000 Ada', 'rtx-6000-ada'), (r'RTX 3090', 'rtx-3090'), (r'RTX 4090', 'rtx-4090'),
    (r'A100 PCIe', 'a100-80gb-pcie'), (r'A100 SXM|A100 80GB', 'a100-80gb-sxm'), (r'A100 \(variant not stated\)', 'a100-80gb-sxm'),
    (r'H100 PCIe', 'h100-pcie-80gb'), (r'H100 SXM', 'h100-sxm-80gb'), (r'L40S', 'l40s'),
    (r'Raspberry Pi 5 16GB', 'raspberry-pi-5-16gb'), (r'Raspberry Pi 5', 'raspberry-pi-5-8gb'), (r'Raspberry Pi 4', 'raspberry-pi-4-8gb'),
    (r'DGX Spark', 'dgx-spark'), (r'V100', 'v100-32gb'), (r'Ryzen 5 3400G', 'ryzen-5-3400g'),
    (r'Mac Studio M3 Ultra', 'mac-studio-m3-ultra-512gb'), (r'Mac Studio M1 Ultra', 'mac-studio-m1-ultra-128gb'),
]
SKIP_DEVICE = [(r'Jetson \(device not stated|Jetson Orin \(variant not stated', 'Jetson variant not stated'),
               (r'embedl', 'tps includes TTFT over an image prompt (embedl Space)')]

def q4(q): return re.search(r'q4|Q4|4-bit|INT4|Q40|W4A16|NVFP4|AWQ|GPTQ', q) is not None

def model_key(model, quant):
    m, q = model, quant
    if re.search(r'InternVL|Nemotron|Cosmos|Qwen3\.5|GLM', m): return None, 'model not in the catalog (VLM or parameters not stated)'
    if re.search(r'Llama-2-7B|LLaMA 7B', m):
        if re.search(r'AWQ', q): return 'llama-2-7b-w4', None
        if re.search(r'FP8', q): return 'llama-2-7b-fp8', None
        if re.search(r'f16|FP16', q, re.I) and not q4(q): return 'llama-2-7b-fp16', None
        if q4(q): return 'llama-2-7b-q4', None
    if re.search(r'Llama-2-13B', m):
        if re.search(r'AWQ', q): return 'llama-2-13b-w4', None
        if re.search(r'f16', q, re.I): return 'llama-2-13b-f16', None
        if q4(q): return 'llama-2-13b-q4', None
    if re.search(r'Llama-2-70B|LLaMA 70B', m):
        if re.search(r'FP8', q): return 'llama-2-70b-fp8', None
        if re.search(r'FP16', q): return 'llama-2-70b-f16', None
        if q4(q): return 'llama-2-70b-q4', None
    if re.search(r'Llama-3(\.1)?-8B|Meta-Llama-3-8B|Llama-3-8B', m):
        if re.search(r'FP8', q): return 'llama-3-8b-fp8', None
        if re.search(r'F16|FP16', q) and not q4(q): return 'llama-3-8b-f16', None
        if q4(q): return 'llama-3.1-8b-q4', None
    if re.search(r'Llama-3(\.3)?-70B|Meta-Llama-3-70B', m) and q4(q): return 'llama-3-70b-q4', None
    if re.search(r'Llama-3\.2-3B', m) and q4(q): return 'llama-3.2-3b-q4', None
    if re.search(r'Llama-3\.2-1B', m): return ('llama-3.2-1b-f16' if 'FP16' in q else 'llama-3.2-1b-q4'), None
    if re.search(r'Llama-3\.1-405B', m): return 'llama-3.1-405b-q4', None
    if re.search(r'Qwen3-8B', m): return 'qwen3-8b-q4', None
    if re.search(r'Qwen3-32B', m): return 'qwen3-32b-q4', None
    if re.search(r'Qwen3(-Coder)?-30B-A3B', m):
        if 'Q8' in q: return 'qwen3-30b-a3b-q8', None
        if 'Q3_K_S' in q: return 'qwen3-30b-a3b-q3', None
        return 'qwen3-30b-a3b-q4', None
    if re.search(r'Qwen3-235B', m): return ('qwen3-235b-a22b-q4' if 'Int4' in m or 'Int4' in q else 'qwen3-235b-a22b-q8'), None
    if re.search(r'Qwen3-0\.6B', m): return ('qwen3-0.6b-q6' if 'Q6' in q else 'qwen3-0.6b-q4'), None
    if re.search(r'Qwen3-1\.7B', m): return 'qwen3-1.7b-q4', None
    if re.search(r'Qwen3-4B', m): return 'qwen3-4b-q4', None
    if re.search(r'Qwen2\.5-Coder-1\.5B', m): return 'qwen2.5-1.5b-q4', None
    if re.search(r'Qwen2\.5(-Coder)?-7B', m): return ('qwen2.5-7b-q8' if 'Q8' in q else 'qwen2.5-7b-q4'), None
    if re.search(r'Gemma-2-9B', m): return 'gemma-2-9b-q4', None
    if re.search(r'Gemma-2-2B', m): return 'gemma-2-2b-q4', None
    if re.search(r'Gemma-3-4B', m): return 'gemma-3-4b-q4', None
    if re.search(r'Gemma-3-1B', m): return 'gemma-3-1b-q4', None
    if re.search(r'SmolLM2', m): return 'smollm2-1.7b-q4', None
    if re.search(r'TinyLlama', m):
        if 'Q8' in q: return 'tinyllama-1.1b-q8', None
        if 'Q4_K_M' in q: return 'tinyllama-1.1b-q4km', None
        return 'tinyllama-1.1b-q4', None
    if re.search(r'OpenLLaMA', m): return 'openllama-7b-f16', None
    if re.search(r'gpt-oss-20b', m): return 'gpt-oss-20b-mxfp4', None
    if re.search(r'gpt-oss-120b', m): return 'gpt-oss-120b-mxfp4', None
    if re.search(r'DeepSeek-V3', m): return 'deepseek-v3.1-q8', None
    if re.search(r'Kimi K2', m): return 'kimi-k2-q4', None
    return None, f'no catalog model for "{m}" ({q})'

def output_tokens(notes):
    for pat in [r'TG=(\d+)', r'tg(\d+)', r'OSL (?:64\.0|6\d\.\d)', r'output=(\d+)', r'(\d+) decode steps', r'ISL/OSL \d+/(\d+)',
                r'input/output \d+/(\d+)', r', (\d+)/\d+, TP', r'generating (\d+) tokens', r'avg (\d+) completion tokens']:
        mm = re.search(pat, notes)
        if mm:
            return mm.group(1) if mm.groups() else '64'
    return ''

def ubatch(notes):
    """llama.cpp's n_ubatch when the row states it (the DGX Spark rows: n_ubatch 2048), the most
    prompt tokens one graph evaluation takes; empty = not stated (no cap)."""
    mm = re.search(r'n_ubatch[ =](\d+)', notes)
    return mm.group(1) if mm else ''

def device_key(dev):
    for rx, why in SKIP_DEVICE:
        if re.search(rx, dev): return None, why
    for rx, key in DEVICES:
        if re.search(rx, dev): return key, None
    return None, f'no catalog device for "{dev}"'

def single(path, rel):
    rows, skipped = [], []
    for i, r in enumerate(csv.DictReader(open(path)), start=2):
        src = f'{rel}:{i}; {r["source"]}'
        dev, why = device_key(r['device'])
        model, why2 = model_key(r['model'], r['quant']) if why is None else (None, why)
        notes = r['notes']
        if why or why2: skipped.append((rel, i, why or why2)); continue
        if not re.fullmatch(r'\d+', r['batch']): skipped.append((rel, i, f'batch "{r["batch"]}" is not a number')); continue
        if re.search(r'@ d[1-9]', notes): skipped.append((rel, i, 'prompt processed on top of a non-empty context (depth > 0)')); continue
        batch, prompt = int(r['batch']), r['prompt_tokens']
        assumed = ''
        if not prompt:
            mm = re.search(r'average (\d+) tokens prompt eval', notes)
            if mm: prompt = mm.group(1)
            elif 'LLaMA 2 tables (prompt length not stated' in notes:
                prompt, assumed = '512', '; prompt_tokens 512 ASSUMED (llama-bench default pp512; not stated)'
        if prompt and ('total across the batch' in notes or 'batch total' in notes or 'in total' in notes) and batch > 1:
            prompt = str(round(int(prompt) / batch))
        decode, prefill = r['decode_tok_s'], r['prefill_tok_s']
        scale = 1
        if 'PER GPU' in notes or 'per GPU' in notes:
            scale = {'h100-sxm-80gb-x2': 2, 'a100-80gb-sxm-x4': 4}.get(dev, 1)
            if decode and scale > 1: decode = f'{float(decode) * scale:g}'
        if not decode and not prefill: skipped.append((rel, i, 'no prefill or decode figure')); continue
        rows.append(dict(device_key=dev, model_key=model, nodes='1', parallelism='none', link_key='', batch=str(batch),
                         prompt_tokens=prompt, output_tokens=output_tokens(notes), prefill_tok_s=prefill, decode_tok_s=decode,
                         closed_loop=closed_loop(notes) if decode else '', framework=framework(r['framework']), ubatch=ubatch(notes), source=src + (f' (DERIVED aggregate = per-GPU × {scale})' if scale > 1 else '') + assumed))
    return rows, skipped

SPLIT = [  # (regex on device, device_key or None, nodes, parallelism, link) for split-multidevice.csv
    (r'^1x GCP', 'gcp-c3d-highcpu-30', 1, 'none', ''), (r'^2x GCP', 'gcp-c3d-highcpu-30', 2, 'tp', 'gcp-vpc'),
    (r'^4x GCP', 'gcp-c3d-highcpu-30', 4, 'tp', 'gcp-vpc'),
    (r'MacBook Pro M1 \+ MacBook Pro Intel', 'macbook-pro-m1-16gb+macbook-pro-i7-2.7ghz', 2, 'tp', 'wifi5'),
    (r'^4x Framework', 'framework-desktop-395-128gb', 4, None, '5gbe'),
    (r'^1x Mac Studio', 'mac-studio-m3-ultra-512gb', 1, 'none', ''),
    (r'^\dx Mac Studio.*llama\.cpp RPC', 'mac-studio-m3-ultra-512gb', None, 'pp', '10gbe'),
    (r'^\dx Mac Studio.*exo tensor parallel over RDMA', 'mac-studio-m3-ultra-512gb', None, 'tp', 'tb5-rdma'),
    (r'DGX Spark', 'dgx-spark', 2, 'tp', '200gbe-cx7'),
]

def split(path, rel):
    rows, skipped = [], []
    for i, r in enumerate(csv.DictReader(open(path)), start=2):
        dev, notes = r['device'], r['notes']
        model, why = model_key(r['model'], r['quant'])
        if re.search(r'MacBook Pro \(Apple|Mac mini|2-node exo', dev): why = 'devices not stated (Apple silicon model unknown)'
        if re.search(r'MlxJaccl', dev): why = why or 'GLM-5 parameters not stated'
        match = next(((k, n, p, l) for rx, k, n, p, l in SPLIT if re.search(rx, dev)), None)
        if why is None and match is None: why = f'no mapping for "{dev}"'
        if why: skipped.append((rel, i, why)); continue
        key, nodes, par, link = match
        if nodes is None: nodes = int(dev[0])
        if par is None: par = 'tp' if 'distributed-llama' in r['framework'] else 'pp'
        if 'llama.cpp RPC' in r['framework']: par = 'pp'
        rows.append(dict(device_key=key, model_key=model, nodes=str(nodes), parallelism=par, link_key=link if nodes > 1 else '',
                         batch=r['batch'], prompt_tokens=r['prompt_tokens'], output_tokens=output_tokens(notes),
                         prefill_tok_s=r['prefill_tok_s'], decode_tok_s=r['decode_tok_s'], closed_loop=closed_loop(notes), framework=framework(r['framework']), ubatch=ubatch(notes),
                         source=f'{rel}:{i}; {r["source"]}' + ('; link not stated: ' + link + ' ASSUMED' if 'not stated' in dev and nodes > 1 else '')))
    return rows, skipped

def write(name, rows):
    with open(os.path.join(OUT, name), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=COLS, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)

def main():
    skipped = []
    llm, s = single(os.path.join(SHARED, 'llm.csv'), '../shared/profiles/llm.csv'); skipped += s
    write('llm-batch1.csv', [r for r in llm if r['batch'] == '1'])
    write('llm-batched.csv', [r for r in llm if r['batch'] != '1'] + (lambda x: (skipped.extend(x[1]), x[0])[1])(
        single(os.path.join(SHARED, 'batched/llm-batched.csv'), '../shared/profiles/batched/llm-batched.csv')))
    pre, s = single(os.path.join(SHARED, 'batched/llm-prefill.csv'), '../shared/profiles/batched/llm-prefill.csv'); skipped += s
    write('llm-prefill.csv', pre)
    sp, s = split(os.path.join(SHARED, 'batched/split-multidevice.csv'), '../shared/profiles/batched/split-multidevice.csv'); skipped += s
    write('split-multidevice.csv', sp)
    with open(os.path.join(OUT, 'UNMAPPED.md'), 'w') as f:
        f.write('# Shared rows not in the calibration tables, and why\n\nGenerated by scripts/map-calibration.py.\n\n')
        for rel, line, why in skipped: f.write(f'- {rel}:{line}: {why}\n')

main()
