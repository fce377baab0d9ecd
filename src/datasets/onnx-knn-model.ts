/**
 * The ONNX graph behind exact ground truth at scale, written as protobuf bytes by hand (a few
 * fields of onnx.proto; no protobuf library needed for four messages):
 *   S = Gemm(Q, D, B, transB=1)      scores of every query against a block of docs, plus a per-doc bias
 *   V, I = TopK(S, K, axis=1)        the best K per query, ties to the lower index (ONNX's rule)
 * Inputs Q [nq, d], D [nb, d], B [nb] float32 and K [1] int64; outputs V [nq, K], I [nq, K].
 */
export function knnModel(): Uint8Array {
  const graph = [
    ...message(1, node('Gemm', ['Q', 'D', 'B'], ['S'], [intAttribute('transB', 1)])),
    ...message(1, node('TopK', ['S', 'K'], ['V', 'I'], [intAttribute('axis', 1), intAttribute('largest', 1), intAttribute('sorted', 1)])),
    ...text(2, 'exact_knn'),
    ...message(11, valueInfo('Q', FLOAT, ['nq', 'd'])),
    ...message(11, valueInfo('D', FLOAT, ['nb', 'd'])),
    ...message(11, valueInfo('B', FLOAT, ['nb'])),
    ...message(11, valueInfo('K', INT64, [1])),
    ...message(12, valueInfo('V', FLOAT, ['nq', 'k'])),
    ...message(12, valueInfo('I', INT64, ['nq', 'k'])),
  ];
  // ModelProto: ir_version 8, graph, opset_import { domain "", version 13 }.
  return Uint8Array.from([...varintField(1, 8), ...message(7, graph), ...message(8, [...text(1, ''), ...varintField(2, 13)])]);
}

const FLOAT = 1;
const INT64 = 7;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

function varintField(field: number, value: number): number[] {
  return [...varint(field * 8), ...varint(value)];
}

function message(field: number, body: readonly number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(body.length), ...body];
}

function text(field: number, s: string): number[] {
  return message(field, [...Buffer.from(s, 'utf8')]);
}

/** NodeProto: input 1, output 2, op_type 4, attribute 5. */
function node(op: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly number[][]): number[] {
  return [...inputs.flatMap((i) => text(1, i)), ...outputs.flatMap((o) => text(2, o)), ...text(4, op), ...attributes.flatMap((a) => message(5, a))];
}

/** AttributeProto: name 1, i 3, type 20 (INT = 2). */
function intAttribute(name: string, value: number): number[] {
  return [...text(1, name), ...varintField(3, value), ...varintField(20, 2)];
}

/** ValueInfoProto { name, type { tensor_type { elem_type, shape { dim { dim_value | dim_param } } } } }. */
function valueInfo(name: string, elemType: number, dims: ReadonlyArray<number | string>): number[] {
  const shape = dims.flatMap((d) => message(1, typeof d === 'number' ? varintField(1, d) : text(2, d)));
  return [...text(1, name), ...message(2, message(1, [...varintField(1, elemType), ...message(2, shape)]))];
}
