// Op set v1: the ONNX operators our engine implements (issue 2's list).
export const V1_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Exp', 'Log', 'Erf', 'Neg', 'Abs', 'Reciprocal', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh',
  'Softplus', 'Gelu', 'Clip', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Not', 'Cast', 'Gemm', 'MatMul', 'Conv', 'ConvTranspose',
  'BatchNormalization', 'LayerNormalization', 'Softmax', 'LogSoftmax', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'ReduceMean',
  'ReduceSum', 'ReduceMax', 'ReduceMin', 'Concat', 'Split', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice',
  'Gather', 'Expand', 'Tile', 'Pad', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'Identity', 'Dropout',
]);
