import type { INodeProperties } from 'n8n-workflow';

import type { ApiInput, ApiMode } from '../../../shared/api/schemas';
import type { BinaryMediaField } from '../../../shared/media/binaryMedia';
import type { ItemRules } from '../../../shared/validate/validateItems';

/**
 * All a video operation knows: the fields it asks for, their rules, and how they map onto the
 * API's `input`. Paying for and waiting on the task is shared by every operation.
 */
export interface VideoOperation {
	mode: ApiMode;
	description: INodeProperties[];
	rules: ItemRules<ApiInput>;
	/** Media inputs that may come from binary data. */
	binaryMedia: BinaryMediaField[];
}
