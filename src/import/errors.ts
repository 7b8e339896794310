/** Bad models are the user's input: exit 2 with the file, the layer and what was expected. */
import { EXIT, UserError } from '../errors.js';

/** `file: node '/up1/ConvTranspose': message` (or `file: message` for the whole model). */
export function modelError(file: string, message: string, layer?: string): UserError {
  const where = layer === undefined ? '' : `${layer}: `;
  return new UserError(`${file}: ${where}${message}`, EXIT.invalidInput, [
    layer === undefined ? { file, message } : { file, field: layer, message },
  ]);
}
