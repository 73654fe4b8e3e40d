import { parseAnswer } from '../answer-json.js';
import type { ChatResponse, UpstreamResponse } from '../types.js';
import { completionId, openaiFinishReason, openaiUsage } from './translate.js';
import { converseOutputSchema, type ContentBlock } from './wire.js';

/** A ConverseCommandOutput (as send.ts encodes it) → OpenAI chat.completion. */
export async function readChatResponse(response: UpstreamResponse): Promise<ChatResponse> {
  const output = parseAnswer(await response.text(), converseOutputSchema, 'Bedrock');
  const { text, reasoning, toolCalls } = splitContent(output.output?.message?.content ?? []);
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    refusal: null,
    annotations: [],
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const finishReason = openaiFinishReason(output.stopReason);
  const usage = output.usage ? openaiUsage(output.usage) : undefined;
  const completion = {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: output.modelId,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  };
  return { json: JSON.stringify(completion), usage, finishReason };
}

function splitContent(blocks: ContentBlock[]) {
  let text = '';
  let reasoning = '';
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of blocks) {
    if (typeof block.text === 'string') text += block.text;
    else if (block.toolUse)
      toolCalls.push({
        id: block.toolUse.toolUseId,
        type: 'function',
        function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    else if (block.reasoningContent?.reasoningText?.text) reasoning += block.reasoningContent.reasoningText.text;
  }
  return { text, reasoning, toolCalls };
}
