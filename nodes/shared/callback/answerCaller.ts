import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * Answers APIXO's callback ourselves, at once: n8n's own answer would wait for the webhook to
 * finish, and `noWebhookResponse` keeps n8n from answering a second time.
 */
export function answerCaller(ctx: IWebhookFunctions, status: number, body: object): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}
