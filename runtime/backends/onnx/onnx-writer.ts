/**
 * A minimal ONNX protobuf encoder: just the messages and fields ParaSim's generated models need
 * (ModelProto, OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto and the tensor TypeProto). Field numbers follow onnx/onnx.proto. Protobuf wire
 * format: a field key is varint(field << 3 | wireType); wire type 0 = varint, 2 =
 * length-delimited, 5 = 32-bit. Written from the spec so the project needs no protobuf library.
 */

/** Growable byte sink with protobuf primitives. */
class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned varint of a non-negative integer below 2^53 (enough for sizes and dims). */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  key(field: number, wireType: 0 | 2 | 5): this {
    return this.varint(field * 8 + wireType);
  }

  /** int64/int32/enum field (non-negative values only — all ParaSim needs). */
  int(field: number, value: number): this {
    return this.key(field, 0).varint(value);
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.bytes(b);
  }

  lengthDelimited(field: number, data: Uint8Array): this {
    return this.key(field, 2).varint(data.length).bytes(data);
  }

  string(field: number, value: string): this {
    return this.lengthDelimited(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.lengthDelimited(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export type Attribute =
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] };

export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: readonly Attribute[];
}

/** An initializer: float32 or int64 data with its shape. */
export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** A graph input/output; a string dim is symbolic (dim_param). */
export interface ValueInfoSpec {
  readonly name: string;
  readonly elemType: DataTypeCode;
  readonly shape: readonly (number | string)[];
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorSpec[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  readonly opsetVersion: number;
  readonly irVersion?: number;
  readonly producer?: string;
  readonly docString?: string;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function writeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name); // name
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).int(20, ATTR_FLOAT); // f, type
      break;
    case 'int':
      w.int(3, a.value).int(20, ATTR_INT); // i, type
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v); // ints (unpacked repeated int64 is valid)
      w.int(20, ATTR_INTS);
      break;
  }
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, (aw) => writeAttribute(aw, a));
}

function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, t.data instanceof Float32Array ? DataType.FLOAT : DataType.INT64); // data_type
  w.string(8, t.name); // name
  // raw_data is little-endian; typed arrays on the platforms Node supports are little-endian.
  w.lengthDelimited(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoSpec): void {
  w.string(1, v.name); // name
  w.message(2, (tw) =>
    // type: TypeProto
    tw.message(1, (tt) => {
      // tensor_type: TypeProto.Tensor
      tt.int(1, v.elemType); // elem_type
      tt.message(2, (sw) => {
        // shape: TensorShapeProto
        for (const d of v.shape) {
          sw.message(1, (dw) => (typeof d === 'number' ? dw.int(1, d) : dw.string(2, d))); // dim_value | dim_param
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphSpec): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  for (const i of g.inputs) w.message(11, (vw) => writeValueInfo(vw, i));
  for (const o of g.outputs) w.message(12, (vw) => writeValueInfo(vw, o));
}

/** Serialize a model to ONNX protobuf bytes. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion ?? 8); // ir_version
  w.string(2, m.producer ?? 'parasim'); // producer_name
  if (m.docString !== undefined) w.string(6, m.docString); // doc_string
  w.message(7, (gw) => writeGraph(gw, m.graph)); // graph
  w.message(8, (ow) => ow.string(1, '').int(2, m.opsetVersion)); // opset_import: domain, version
  return w.finish();
}
