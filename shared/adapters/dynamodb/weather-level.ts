// Reads the weather alert level that the weather-scaling job records in the scaling-state table.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { WeatherLevel } from '../../domain/priority.js';
import type { WeatherLevelReader } from '../../ports/weather-level.js';

export const weatherStateKey = { pk: 'weather' } as const;
const levels: readonly WeatherLevel[] = ['normal', 'elevated', 'severe'];

export class DynamoWeatherLevelReader implements WeatherLevelReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async currentLevel(): Promise<WeatherLevel> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: weatherStateKey }));
    const level = Item?.level as WeatherLevel | undefined;
    return level && levels.includes(level) ? level : 'normal';
  }
}
