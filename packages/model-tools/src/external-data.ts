import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { ModelConvertError } from './errors/model-convert-error.js';
import { fields, LENGTH_DELIMITED, lengthDelimited } from './onnx-wire.js';

/*
 * Field numbers of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that the
 * conversion touches; everything else is copied byte for byte (onnx-wire.ts).
 */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

/**
 * Tensors under 1 KB stay inline, as with the onnx Python package: ONNX Runtime's shape
 * inference reads small constants (an Unsqueeze's axes) from the model itself and fails on
 * external ones, and they weigh nothing.
 */
const SIZE_THRESHOLD = 1024;
/** The same alignment the onnx Python package uses, so large tensors can be mapped from the data file. */
const ALIGN_THRESHOLD = 1024 * 1024;
const ALIGNMENT = 64 * 1024;

function entry(key: string, value: string): Buffer[] {
  const bytes = protobuf.Writer.create()
    .uint32((ENTRY_KEY << 3) | LENGTH_DELIMITED)
    .string(key)
    .uint32((ENTRY_VALUE << 3) | LENGTH_DELIMITED)
    .string(value)
    .finish();
  return lengthDelimited(TENSOR_EXTERNAL_DATA, bytes);
}

/** Appends tensors' bytes to the data file, each at an offset its size calls for. */
class DataFile {
  offset = 0;
  tensors = 0;
  constructor(
    private readonly fd: number,
    readonly location: string,
  ) {}

  append(data: Buffer): number {
    if (data.byteLength >= ALIGN_THRESHOLD && this.offset % ALIGNMENT !== 0) {
      this.offset += ALIGNMENT - (this.offset % ALIGNMENT);
    }
    const at = this.offset;
    let written = 0;
    while (written < data.byteLength) {
      written += fs.writeSync(this.fd, data, written, data.byteLength - written, at + written);
    }
    this.offset += data.byteLength;
    this.tensors++;
    return at;
  }
}

/** A TensorProto whose raw_data moved to the data file: external_data entries and data_location=EXTERNAL instead. */
function externalTensor(tensor: Buffer, data: DataFile): Buffer {
  const parts = fields(tensor);
  const raw = parts.find((f) => f.number === TENSOR_RAW_DATA)?.payload;
  if (!raw || raw.byteLength < SIZE_THRESHOLD) return tensor;
  const offset = data.append(raw);
  return Buffer.concat([
    ...parts.filter((f) => f.number !== TENSOR_RAW_DATA && f.number !== TENSOR_DATA_LOCATION).map((f) => f.raw),
    ...entry('location', data.location),
    ...entry('offset', String(offset)),
    ...entry('length', String(raw.byteLength)),
    Buffer.from(
      protobuf.Writer.create()
        .uint32(TENSOR_DATA_LOCATION << 3)
        .int32(DATA_LOCATION_EXTERNAL)
        .finish(),
    ),
  ]);
}

function rewrite(message: Buffer, number: number, change: (payload: Buffer) => Buffer): Buffer {
  return Buffer.concat(
    fields(message).flatMap((f) =>
      f.number === number && f.payload ? lengthDelimited(number, change(f.payload)) : [f.raw],
    ),
  );
}

export interface ExternalDataResult {
  /** Initializers moved into the data file. */
  tensors: number;
  onnxBytesBefore: number;
  onnxBytesAfter: number;
  dataBytes: number;
}

/**
 * Moves the weights of `<dir>/<onnxFile>` into `<onnxFile>_data` beside it (the name
 * transformers.js looks for) and marks config.json so the library loads them: ONNX Runtime
 * then maps the weights instead of copying them out of the protobuf, which is what keeps
 * an fp32 classifier at 1.1–1.4 GB instead of 1.9 GB (docs/performance.md).
 *
 * Crash-safe in this order: the data file, then the model that points at it, then the
 * config.json flag, each written under a temporary name and renamed. The flag is what says
 * the conversion finished; a model without it is converted again, which moves nothing twice.
 */
export function convertToExternalData(dir: string, onnxFile: string): ExternalDataResult {
  const modelPath = path.join(dir, onnxFile);
  const dataName = `${path.basename(onnxFile)}_data`;
  const dataPath = path.join(path.dirname(modelPath), dataName);
  const tmp = (file: string) => `${file}.converting-${process.pid}`;
  let model: Buffer;
  try {
    model = fs.readFileSync(modelPath);
  } catch (err) {
    throw new ModelConvertError(modelPath, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  const reason = (err: unknown) => (err as Error).message;
  // Disk errors (a read-only cache, a full disk) carry a code; anything else is the bytes' fault.
  const writing = (err: unknown) => (err as NodeJS.ErrnoException).code !== undefined;
  let fd: number;
  try {
    fd = fs.openSync(tmp(dataPath), 'w');
  } catch (err) {
    throw new ModelConvertError(modelPath, `cannot have a data file written beside it (${reason(err)})`, {
      cause: err,
    });
  }
  const data = new DataFile(fd, dataName);
  let converted: Buffer;
  try {
    converted = rewrite(model, MODEL_GRAPH, (graph) =>
      rewrite(graph, GRAPH_INITIALIZER, (tensor) => externalTensor(tensor, data)),
    );
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp(dataPath), { force: true });
    const detail = writing(err) ? 'cannot have its data file written' : 'is not an ONNX model this can rewrite';
    throw new ModelConvertError(modelPath, `${detail} (${reason(err)})`, { cause: err });
  }
  fs.closeSync(fd);
  try {
    if (data.tensors > 0) {
      fs.renameSync(tmp(dataPath), dataPath);
      fs.writeFileSync(tmp(modelPath), converted);
      fs.renameSync(tmp(modelPath), modelPath);
    } else fs.rmSync(tmp(dataPath));
    // A model with no raw_data weights has nothing to move; only a data file that exists may be announced.
    if (fs.existsSync(dataPath)) markExternalData(dir);
  } catch (err) {
    fs.rmSync(tmp(dataPath), { force: true });
    fs.rmSync(tmp(modelPath), { force: true });
    throw new ModelConvertError(modelPath, `cannot be rewritten in place (${reason(err)})`, { cause: err });
  }
  return {
    tensors: data.tensors,
    onnxBytesBefore: model.byteLength,
    onnxBytesAfter: data.tensors > 0 ? converted.byteLength : model.byteLength,
    dataBytes: data.offset,
  };
}

const configPath = (dir: string) => path.join(dir, 'config.json');

function readConfig(dir: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(configPath(dir), 'utf8')) as Record<string, unknown>;
}

/** Does config.json tell transformers.js to load the weights from `model.onnx_data`? */
export function usesExternalData(dir: string): boolean {
  const jsConfig = readConfig(dir)['transformers.js_config'] as { use_external_data_format?: unknown } | undefined;
  return Boolean(jsConfig?.use_external_data_format);
}

function markExternalData(dir: string): void {
  const config = readConfig(dir);
  const jsConfig = (config['transformers.js_config'] ?? {}) as Record<string, unknown>;
  config['transformers.js_config'] = { ...jsConfig, use_external_data_format: true };
  const file = configPath(dir);
  fs.writeFileSync(`${file}.converting-${process.pid}`, `${JSON.stringify(config, null, 2)}\n`);
  fs.renameSync(`${file}.converting-${process.pid}`, file);
}
