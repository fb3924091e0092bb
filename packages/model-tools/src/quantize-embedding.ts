import fs from 'node:fs';
import protobuf from 'protobufjs';
import { ModelQuantizeError } from './errors/model-quantize-error.js';
import { FIXED32, type Field, fields, LENGTH_DELIMITED, lengthDelimited, tag, VARINT } from './onnx-wire.js';

/*
 * Field numbers of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto). The
 * rewrite works on the wire format (onnx-wire.ts): only the word embedding's tensor and the
 * nodes that read it are re-encoded; every other byte is copied as it was read.
 */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_INT = 3;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_GRAPHS = 11;
const ATTRIBUTE_TYPE = 20;
const ATTRIBUTE_TYPE_INT = 2;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const VALUE_INFO_NAME = 1;
const FLOAT = 1;
const INT8 = 3;

const strings = (parts: Field[], number: number) =>
  parts.filter((f) => f.number === number && f.payload).map((f) => f.payload?.toString('utf8') ?? '');

/** Repeated int64s, packed or not. */
function int64s(parts: Field[], number: number): number[] {
  const out: number[] = [];
  for (const f of parts.filter((p) => p.number === number)) {
    if (f.varint !== undefined) out.push(f.varint);
    else if (f.payload) {
      const reader = protobuf.Reader.create(f.payload);
      while (reader.pos < reader.len) out.push(Number(reader.int64()));
    }
  }
  return out;
}

interface Node {
  field: Field;
  inputs: string[];
  outputs: string[];
  opType: string;
  axis: number;
  hasSubgraph: boolean;
}

function node(field: Field): Node {
  const parts = fields(field.payload ?? Buffer.alloc(0));
  let axis = 0;
  let hasSubgraph = false;
  for (const a of parts.filter((p) => p.number === NODE_ATTRIBUTE)) {
    const attr = fields(a.payload ?? Buffer.alloc(0));
    if (attr.some((f) => f.number === ATTRIBUTE_GRAPH || f.number === ATTRIBUTE_GRAPHS)) hasSubgraph = true;
    if (strings(attr, ATTRIBUTE_NAME)[0] === 'axis') axis = attr.find((f) => f.number === ATTRIBUTE_INT)?.varint ?? 0;
  }
  return {
    field,
    inputs: strings(parts, NODE_INPUT),
    outputs: strings(parts, NODE_OUTPUT),
    opType: strings(parts, NODE_OP_TYPE)[0] ?? '',
    axis,
    hasSubgraph,
  };
}

interface Table {
  field: Field;
  name: string;
  rows: number;
  columns: number;
  values: Float32Array;
}

/** A 2-D fp32 initializer whose values are in the file itself (raw_data or float_data). */
function floatTable(field: Field): Table | undefined {
  const parts = fields(field.payload ?? Buffer.alloc(0));
  const dims = int64s(parts, TENSOR_DIMS);
  const type = parts.find((f) => f.number === TENSOR_DATA_TYPE)?.varint;
  const [rows = 0, columns = 0] = dims;
  if (type !== FLOAT || dims.length !== 2) return undefined;
  const name = strings(parts, TENSOR_NAME)[0] ?? '';
  const raw = parts.find((f) => f.number === TENSOR_RAW_DATA)?.payload;
  let values: Float32Array | undefined;
  if (raw && raw.byteLength === rows * columns * 4) {
    // Copied: raw_data need not be 4-byte aligned inside the file.
    const bytes = Buffer.from(raw);
    values = new Float32Array(bytes.buffer, bytes.byteOffset, rows * columns);
  } else {
    const packed = parts.filter((f) => f.number === TENSOR_FLOAT_DATA);
    const floats: number[] = [];
    for (const f of packed) {
      if (f.payload) for (let i = 0; i + 4 <= f.payload.byteLength; i += 4) floats.push(f.payload.readFloatLE(i));
      else if (f.wireType === FIXED32) floats.push(f.raw.readFloatLE(f.raw.byteLength - 4));
    }
    if (floats.length === rows * columns && floats.length > 0) values = Float32Array.from(floats);
  }
  return values ? { field, name, rows, columns, values } : undefined;
}

function tensor(name: string, dims: number[], dataType: number, data: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  for (const d of dims) w.uint32(tag(TENSOR_DIMS, VARINT)).int64(d);
  w.uint32(tag(TENSOR_DATA_TYPE, VARINT)).int32(dataType);
  w.uint32(tag(TENSOR_NAME, LENGTH_DELIMITED)).string(name);
  w.uint32(tag(TENSOR_RAW_DATA, LENGTH_DELIMITED)).bytes(data);
  return Buffer.from(w.finish());
}

function nodeProto(opType: string, inputs: string[], output: string, intAttribute?: [string, number]): Buffer {
  const w = protobuf.Writer.create();
  for (const i of inputs) w.uint32(tag(NODE_INPUT, LENGTH_DELIMITED)).string(i);
  w.uint32(tag(NODE_OUTPUT, LENGTH_DELIMITED)).string(output);
  w.uint32(tag(NODE_NAME, LENGTH_DELIMITED)).string(output);
  w.uint32(tag(NODE_OP_TYPE, LENGTH_DELIMITED)).string(opType);
  if (intAttribute) {
    w.uint32(tag(NODE_ATTRIBUTE, LENGTH_DELIMITED)).fork();
    w.uint32(tag(ATTRIBUTE_NAME, LENGTH_DELIMITED)).string(intAttribute[0]);
    w.uint32(tag(ATTRIBUTE_INT, VARINT)).int64(intAttribute[1]);
    w.uint32(tag(ATTRIBUTE_TYPE, VARINT)).int32(ATTRIBUTE_TYPE_INT);
    w.ldelim();
  }
  return Buffer.from(w.finish());
}

/** int8 values with one symmetric scale per row: a row's largest magnitude maps to 127. */
export function quantizeRows(values: Float32Array, rows: number, columns: number) {
  const q = new Int8Array(rows * columns);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < columns; c++) max = Math.max(max, Math.abs(values[r * columns + c] ?? 0));
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let c = 0; c < columns; c++) q[r * columns + c] = Math.round((values[r * columns + c] ?? 0) / scale);
  }
  return { q, scales };
}

export interface EmbeddingQuantized {
  /** The initializer's name, e.g. "model.shared.weight". */
  table: string;
  rows: number;
  columns: number;
  /** Gather nodes that now read the int8 table. */
  gathers: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Element type of the table each Gather reads when that table is an initializer: "float", "int8", … */
export function gatherTableTypes(model: Buffer): Record<string, string> {
  const graph = fields(model).find((f) => f.number === MODEL_GRAPH)?.payload ?? Buffer.alloc(0);
  const parts = fields(graph);
  const types: Record<number, string> = { 1: 'float', 2: 'uint8', 3: 'int8', 10: 'float16', 16: 'bfloat16' };
  const initializers = new Map<string, string>();
  for (const f of parts.filter((p) => p.number === GRAPH_INITIALIZER)) {
    const t = fields(f.payload ?? Buffer.alloc(0));
    const type = t.find((x) => x.number === TENSOR_DATA_TYPE)?.varint ?? 0;
    initializers.set(strings(t, TENSOR_NAME)[0] ?? '', types[type] ?? `type ${type}`);
  }
  const out: Record<string, string> = {};
  for (const n of parts.filter((p) => p.number === GRAPH_NODE).map(node)) {
    const type = n.opType === 'Gather' ? initializers.get(n.inputs[0] ?? '') : undefined;
    if (type) out[n.inputs[0] ?? ''] = type;
  }
  return out;
}

/**
 * The word embedding: the largest fp32 2-D initializer that only row Gathers read. A
 * quantizer of MatMuls only leaves it fp32 (206 MB of distilbart's 230 MB in int8), and it is
 * what kept an int8 classifier above 600 MB. Nothing is chosen when a subgraph could read it.
 */
function wordEmbedding(nodes: Node[], initializers: Field[], graphInputs: Set<string>): Table | undefined {
  if (nodes.some((n) => n.hasSubgraph)) return undefined;
  const onlyGathered = new Map<string, boolean>();
  for (const n of nodes) {
    for (const [k, name] of n.inputs.entries()) {
      const gather = n.opType === 'Gather' && k === 0 && n.axis === 0;
      onlyGathered.set(name, (onlyGathered.get(name) ?? true) && gather);
    }
  }
  let best: Table | undefined;
  for (const f of initializers) {
    const name = strings(fields(f.payload ?? Buffer.alloc(0)), TENSOR_NAME)[0] ?? '';
    if (onlyGathered.get(name) !== true || graphInputs.has(name)) continue;
    const table = floatTable(f);
    if (table && (!best || table.rows * table.columns > best.rows * best.columns)) best = table;
  }
  return best;
}

/**
 * Stores the word embedding as int8 with one scale per row, dequantized after the Gather:
 * Gather(int8 table, ids) → Cast → Mul by Gather(row scales, ids). Only the looked-up rows
 * are ever fp32. Returns the model unchanged, and `quantized` undefined, when it has no fp32
 * embedding (already quantized, or none). The same rewrite as bench/make-bench-model.py.
 */
export function quantizeWordEmbedding(model: Buffer): { model: Buffer; quantized: EmbeddingQuantized | undefined } {
  const modelParts = fields(model);
  const graphField = modelParts.find((f) => f.number === MODEL_GRAPH);
  if (!graphField?.payload) return { model, quantized: undefined };
  const parts = fields(graphField.payload);
  const nodes = parts.filter((f) => f.number === GRAPH_NODE).map(node);
  const initializers = parts.filter((f) => f.number === GRAPH_INITIALIZER);
  const graphInputs = new Set(
    parts
      .filter((f) => f.number === GRAPH_INPUT)
      .flatMap((f) => strings(fields(f.payload ?? Buffer.alloc(0)), VALUE_INFO_NAME)),
  );
  const table = wordEmbedding(nodes, initializers, graphInputs);
  if (!table) return { model, quantized: undefined };
  const { q, scales } = quantizeRows(table.values, table.rows, table.columns);
  const int8Name = `${table.name}_int8`;
  const scaleName = `${table.name}_row_scale`;
  const replacement = (n: Node): Buffer[] => {
    const [, ids = ''] = n.inputs;
    const out = n.outputs[0] ?? '';
    return [
      nodeProto('Gather', [int8Name, ids], `${out}_int8`, ['axis', 0]),
      nodeProto('Gather', [scaleName, ids], `${out}_scale`, ['axis', 0]),
      nodeProto('Cast', [`${out}_int8`], `${out}_float`, ['to', FLOAT]),
      nodeProto('Mul', [`${out}_float`, `${out}_scale`], out),
    ].flatMap((payload) => lengthDelimited(GRAPH_NODE, payload));
  };
  let gathers = 0;
  const graph = Buffer.concat(
    parts.flatMap((f) => {
      if (f === table.field) {
        return [
          ...lengthDelimited(
            GRAPH_INITIALIZER,
            tensor(int8Name, [table.rows, table.columns], INT8, new Uint8Array(q.buffer)),
          ),
          ...lengthDelimited(
            GRAPH_INITIALIZER,
            tensor(scaleName, [table.rows, 1], FLOAT, new Uint8Array(scales.buffer)),
          ),
        ];
      }
      const n = f.number === GRAPH_NODE ? nodes.find((x) => x.field === f) : undefined;
      if (n?.opType === 'Gather' && n.inputs[0] === table.name) {
        gathers++;
        return replacement(n);
      }
      return [f.raw];
    }),
  );
  const rewritten = Buffer.concat(
    modelParts.flatMap((f) => (f === graphField ? lengthDelimited(MODEL_GRAPH, graph) : [f.raw])),
  );
  return {
    model: rewritten,
    quantized: {
      table: table.name,
      rows: table.rows,
      columns: table.columns,
      gathers,
      bytesBefore: table.values.byteLength,
      bytesAfter: q.byteLength + scales.byteLength,
    },
  };
}

/**
 * quantizeWordEmbedding on a single-file ONNX model in place (written under a temporary name,
 * then renamed, so a crash leaves the old file or the new one). Run before the weights move
 * into external data; a file whose embedding is int8 already is not rewritten.
 */
export function quantizeEmbeddingInFile(file: string): EmbeddingQuantized | undefined {
  let before: Buffer;
  try {
    before = fs.readFileSync(file);
  } catch (err) {
    throw new ModelQuantizeError(file, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  let after: ReturnType<typeof quantizeWordEmbedding>;
  try {
    after = quantizeWordEmbedding(before);
  } catch (err) {
    throw new ModelQuantizeError(file, `is not an ONNX model this can rewrite (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!after.quantized) return undefined;
  const tmp = `${file}.converting-${process.pid}`;
  try {
    fs.writeFileSync(tmp, after.model);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new ModelQuantizeError(file, `cannot be rewritten in place (${(err as Error).message})`, { cause: err });
  }
  return after.quantized;
}
